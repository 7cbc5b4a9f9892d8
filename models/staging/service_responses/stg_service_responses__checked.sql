{{ config(materialized='view') }}

{#- Every row read from service_responses files (Parquet and CSV), typed, with row_reason:
    the first rule of the landing contract it breaks, or NULL (rules: macro service_responses_checked). -#}

{{ service_responses_checked(landing_rows('service_responses')) }}
