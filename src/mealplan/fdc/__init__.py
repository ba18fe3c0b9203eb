"""All that speaks FoodData Central: HTTP client, raw payloads, normalization, bulk files."""
