"""The query language: the typed tree (:mod:`.tree`), its fields (:mod:`.fields`), the parser
(:mod:`.parser`) and the resolver (:mod:`.resolve`). ``docs/search.md`` is its reference."""
