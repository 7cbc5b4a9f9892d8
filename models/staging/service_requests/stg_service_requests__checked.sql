{{ config(materialized='view') }}

{#- Every row read from service_requests files (Parquet and CSV), typed, with row_reason:
    the first rule of the landing contract it breaks, or NULL (rules: macro service_requests_checked). -#}

{{ service_requests_checked(landing_rows('service_requests')) }}
