{{ config(materialized='table') }}

{#- Partitions (by alert_id) that rows of files new since the last build touch:
    an incremental build recomputes the verdict of every row in them. -#}

{{ touched_keys('alerts', 'alert_id') }}
