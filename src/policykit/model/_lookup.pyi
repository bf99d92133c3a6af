from collections.abc import Callable
from typing import Any

class Lookup:
    __wrapped__: Callable[..., Any]
    def __init__(self, tables: dict[str, Any], tables1: dict[str, Any],
                 fallback: Callable[..., Any]) -> None: ...
    def __call__(self, code: str, parameter: str, day: str, **breakdown: str) -> Any: ...
