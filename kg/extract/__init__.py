"""Stage 2: extractors turn cleaned documents into records (see ``kg.extract.records``)."""
