"""The third-party witness, run by ``test_sageintacctsdk_witness`` inside a virtualenv of its own.

fylein's community client ``sageintacctsdk`` talks to the sandbox exactly as it talks to Intacct: the
only change is the URL it posts to. It signs in to ``DEMO``, lists the vendors, creates an AP bill
through its bills API and reads the bill back; the outcome is printed as one JSON document.

Usage: ``python sdk_witness.py <sandbox XML gateway URL> <RECORDID of the bill to create>``
"""

from __future__ import annotations

import json
import sys
from typing import Any

import sageintacctsdk  # type: ignore[import-untyped]
from sageintacctsdk.apis import api_base  # type: ignore[import-untyped]

INTACCT = "https://api.intacct.com/ia/xml/xmlgw.phtml"


def point_at(url: str) -> None:
    """Send the SDK's requests to ``url``.

    Release 1.28 sets the gateway URL in ``ApiBase.__init__`` (the name-mangled ``self.__api_url``), so
    every API object is built pointing at the sandbox; module-level constants holding Intacct's URL (older
    releases) are redirected as well. The package's files are not touched.
    """
    original = api_base.ApiBase.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._ApiBase__api_url = url

    api_base.ApiBase.__init__ = init
    for name, value in list(vars(api_base).items()):
        if value == INTACCT:
            setattr(api_base, name, url)


def records(data: Any, tag: str) -> list[dict[str, Any]]:
    """xmltodict gives one record as a dict and several as a list."""
    found = data.get(tag) or data.get(tag.lower()) or data.get(tag.upper()) or []
    return found if isinstance(found, list) else [found]


def main(url: str, recordid: str) -> dict[str, Any]:
    point_at(url)
    sdk = sageintacctsdk.SageIntacctSDK(
        sender_id="demo-sender",
        sender_password="demo-sender-pw",
        user_id="demo-user",
        company_id="DEMO",
        user_password="demo-user-pw",
    )
    vendors = sdk.vendors.get_all()
    count = sdk.vendors.count(field=None)
    created = sdk.bills.post(
        {
            "WHENCREATED": "06/30/2024",
            "VENDORID": "V0001",
            "RECORDID": recordid,
            "WHENDUE": "07/30/2024",
            "BASECURR": "USD",
            "CURRENCY": "USD",
            "APBILLITEMS": {
                "APBILLITEM": [
                    {"ACCOUNTNO": "6000", "TRX_AMOUNT": "123.45", "ENTRYDESCRIPTION": "Witnessed by the SDK"}
                ]
            },
        }
    )
    (made,) = records(created["data"], "apbill")
    read_back = records(sdk.bills.get(field="RECORDNO", value=made["RECORDNO"]), "apbill")
    return {
        "sdk_file": sageintacctsdk.__file__,
        "vendors": [v["VENDORID"] for v in vendors],
        "count": count,
        "created": made["RECORDNO"],
        "read_back": [
            {k: r.get(k) for k in ("RECORDNO", "RECORDID", "VENDORID", "TOTALENTERED")} for r in read_back
        ],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
