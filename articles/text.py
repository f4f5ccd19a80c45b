"""Chinese text helpers shared by search, the print-page importer and the copy desk."""

import re

# Han characters: CJK Unified Ideographs with Extension A, the compatibility ideographs, and
# the supplementary planes' extensions B–H with their compatibility supplement. The one class
# every module uses, so a rare character in a name is Chinese everywhere or nowhere.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
HAN_CHAR = re.compile(f"[{HAN}]")


def has_han(text: str) -> bool:
    return HAN_CHAR.search(text or "") is not None
