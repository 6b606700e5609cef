"""The values passed between stages: paper format, papers, key manifest, sheet code and roster."""
