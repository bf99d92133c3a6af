"""The site generator: one module per page family writing into one `SiteContext`
(see `generator`). What other packages and the tests use is re-exported here."""

from policykit.publish.site.generator import generate
from policykit.publish.site.interface import (
    Download,
    NavItem,
    SiteContent,
    SiteInput,
    WrittenFiles,
    write_if_changed,
)
from policykit.publish.site.markup import esc, file_url, fill, front_matter, page_url, script_json
from policykit.util.escape import md_text

__all__ = [
    "Download",
    "NavItem",
    "SiteContent",
    "SiteInput",
    "WrittenFiles",
    "esc",
    "file_url",
    "fill",
    "front_matter",
    "generate",
    "md_text",
    "page_url",
    "script_json",
    "write_if_changed",
]
