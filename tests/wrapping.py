"""Hard-wrap text the way Word or PDF export does (shared by the wrap and input tests)."""
import unicodedata


def wrap(paragraph: str, width: int) -> str:
    """Break ``paragraph`` into lines of at most ``width`` display columns."""
    lines, line, used = [], "", 0
    for char in paragraph:
        w = 2 if unicodedata.east_asian_width(char) in "WFA" else 1
        if used + w > width:
            lines.append(line)
            line, used = "", 0
        line, used = line + char, used + w
    return "\n".join(lines + [line])


def wrap_lines(text: str, width: int) -> str:
    """Wrap every line of ``text`` at ``width`` display columns."""
    return "\n".join(wrap(line, width) for line in text.split("\n"))
