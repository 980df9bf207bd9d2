"""``GET …/options/{dataType}``: what the platform needs in a push body (Codat's push options)."""
