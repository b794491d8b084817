from __future__ import annotations

from typing import Any

# A 12 x 8 room: walls around, a door in the bottom wall, two rows of desks with a gap on
# the left only, and a pillar; seats above the first desk row and between the rows.
ROOM: dict[str, Any] = {
    "shapes": [
        {"kind": "wall", "points": [[5, 8], [0, 8], [0, 0], [12, 0], [12, 8], [7, 8]]},
        {"kind": "door", "points": [[5, 8], [7, 8]], "name": "南门"},
        {"kind": "desk", "x": 2, "y": 2, "w": 10, "h": 1},
        {"kind": "desk", "x": 2, "y": 5, "w": 10, "h": 1},
        {"kind": "pillar", "x": 6, "y": 6.6, "w": 0.6, "h": 0.6},
        {"kind": "window", "points": [[3, 0], [9, 0]]},
    ],
    "seats": {"A-001": [10.5, 1.5], "A-002": [3.5, 4.5]},
}

SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     width="1200" height="800" viewBox="0 0 1200 800">
  <g inkscape:label="walls" transform="scale(0.01)">
    <path d="M 500 800 L 0 800 L 0 0 H 1200 V 800 L 700 800" fill="none" stroke="#000"/>
  </g>
  <g transform="scale(0.01)">
    <line class="door" x1="500" y1="800" x2="700" y2="800" data-name="South door"/>
    <g id="desks"><rect x="200" y="200" width="1000" height="100"/>
      <rect x="200" y="500" width="1000" height="100"/></g>
    <circle class="pillar" cx="630" cy="690" r="30"/>
    <polyline data-kind="window" points="300,0 900,0"/>
    <circle class="seat" data-seat="A-001" cx="1050" cy="150" r="30"/>
    <circle class="seat" data-seat="A-002" cx="350" cy="450" r="30"/>
    <text x="10" y="10">Reading room</text>
  </g>
</svg>
"""
