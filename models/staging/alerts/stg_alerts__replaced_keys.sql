{{ config(materialized='table') }}
-- depends_on: {{ ref('stg_alerts__touched_checked') }}
-- depends_on: {{ source('landing', 'built_files') }}

{#- The touched partitions (by alert_id) that hold rows of files an earlier build
    read: the partitions an incremental build deletes before recomputing them
    (macro replaced_keys). #}

{{ replaced_keys('alerts', 'alert_id') }}
