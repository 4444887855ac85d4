"""field_api's side of offline sync: it loads what `sync.process_record` needs, stores records and
applies their results. The decisions themselves live in the pure `sync` package."""
