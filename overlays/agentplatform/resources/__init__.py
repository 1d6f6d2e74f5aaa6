"""One module per API tag; each resource is written once and served sync, async and raw."""
