"""The colour of each actor family in every chart."""

FAMILY_COLOURS = {
    "research": "#5b3d91",
    "use": "#1e6b34",
    "supply": "#8a4b00",
    "procurement": "#1d4f91",
}
