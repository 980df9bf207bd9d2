"""Credential encryption: round trip, nothing readable at rest, wrong key refused, rotation."""

from __future__ import annotations

from cryptography.fernet import Fernet

from gateway.connections.crypto import CredentialCipher, CredentialsUnreadable, derive_key
from gateway.settings import SecuritySettings

CREDS = {"sender_id": "s", "sender_password": "sender-pw-123", "user_password": "user-pw-456"}


def test_round_trip_and_ciphertext_hides_values() -> None:
    cipher = CredentialCipher(["a passphrase"])
    token = cipher.encrypt(CREDS)
    assert b"sender-pw-123" not in token and b"user_password" not in token
    assert cipher.decrypt(token) == CREDS
    assert cipher.encrypt(CREDS) != token  # random IV: equal inputs do not give equal tokens


def test_wrong_key_is_refused() -> None:
    token = CredentialCipher(["one"]).encrypt(CREDS)
    try:
        CredentialCipher(["two"]).decrypt(token)
    except CredentialsUnreadable:
        pass
    else:
        raise AssertionError("decrypted with the wrong key")


def test_rotation_keeps_old_tokens_readable() -> None:
    old_token = CredentialCipher(["old"]).encrypt(CREDS)
    rotated_cipher = CredentialCipher(["new", "old"])
    assert rotated_cipher.decrypt(old_token) == CREDS
    new_token = rotated_cipher.rotate(old_token)
    assert CredentialCipher(["new"]).decrypt(new_token) == CREDS


def test_fernet_keys_are_used_as_given_and_passphrases_are_derived() -> None:
    key = Fernet.generate_key().decode()
    assert derive_key(key) == key.encode()
    assert derive_key("passphrase") == derive_key("passphrase") != derive_key("passphrase2")
    assert len(derive_key("x")) == 44


def test_dev_default_differs_from_a_configured_key() -> None:
    dev = CredentialCipher.from_settings(SecuritySettings())
    configured = CredentialCipher.from_settings(SecuritySettings(secret_key="prod"))
    token = dev.encrypt(CREDS)
    try:
        configured.decrypt(token)
    except CredentialsUnreadable:
        return
    raise AssertionError("the development key must not be the configured one")
