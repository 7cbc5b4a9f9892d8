{#- PP1 failure reasons (metrics.md §4): the deliverable 2.2 requests of the period
    that did not succeed, by final response code (or `none`), all segments
    together. -#}

{{ failures_by_final_code('2.2') }}
