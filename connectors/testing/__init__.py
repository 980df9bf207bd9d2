"""Helpers for connector authors: the contract suite and structural XML comparison."""

from connectors.testing.xml import assert_xml_equal, xml_differences

__all__ = ["assert_xml_equal", "xml_differences"]
