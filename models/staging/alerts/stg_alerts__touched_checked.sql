{{ config(materialized='table', database=scratch_database()) }}
-- depends_on: {{ ref('stg_alerts__touched_keys') }}
-- depends_on: {{ source('landing', 'alerts_parquet') }}
-- depends_on: {{ source('landing', 'alerts_csv') }}

{#- Every row read of the partitions (by alert_id) that new files touch, from old and
    new files alike, with its row rules applied (macros touched_rows,
    alerts_checked): what an incremental build classifies again in
    stg_alerts__exceptions and tests in stg_alerts. Filtered on the raw key, so the
    month's other rows are never typed. Empty in a full build. #}

{{ touched_rows('alerts', 'alert_id') }}
