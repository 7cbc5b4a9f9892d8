{{ config(materialized='view') }}

{#- Every row read from alerts files (Parquet and CSV), typed, with row_reason:
    the first rule of the landing contract it breaks, or NULL (rules: macro alerts_checked). -#}

{{ alerts_checked(landing_rows('alerts')) }}
