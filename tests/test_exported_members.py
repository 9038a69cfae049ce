"""The public surface is `ics_bridge.__all__`; changing it is a decision, so a test pins it."""

import ics_bridge


def test_public_surface_is_pinned():
    assert sorted(ics_bridge.__all__) == sorted([
        "Conversion", "IcsBridgeError", "InputError", "Loss", "LossKind", "Options", "OutputError",
        "Report", "Severity", "convert", "convert_many", "convert_stream", "detect_format", "diff", "google_to_ics", "graph_to_ics",
        "ics_to_google", "ics_to_graph", "roundtrip",
    ])
    for name in ics_bridge.__all__:
        assert hasattr(ics_bridge, name), name
