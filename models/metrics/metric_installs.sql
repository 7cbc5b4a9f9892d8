{#- IC1 and IC2 figures (metrics.md §4) in the long format of metrics.csv:
    - ic.pct_trt_missed (segment, device_type) from pmr_install_trt, and its
      population ic.requests (the deliverable requests it is over; every segment x all
      types and each device type with requests in the month, 0 when none);
    - ic.installs (day and month; segment, device_type, category success /
      failed) from pmr_installs, 0 when none;
    - ic.installs_predicted (day and month; segment) from pmr_install_forecast,
      a row for every day of the period, empty when any of its four reference
      days has no data (metrics.md §4), the month's empty unless every day has
      data and a forecast; ic.deviation (day and month; segment): a row for every day
      (or month) with data, empty when there is no forecast or it is 0 (§8:
      empty when it cannot be computed);
    - ic.install_and_commission / ic.install_and_leave (segment) from
      pmr_install_and_leave, 0 when none;
    - ic.major_incidents_open (day) from pmr_install_forecast. -#}

with trt as (

    select * from {{ ref('pmr_install_trt') }}

),

trt_populations as (

    select * from {{ segment_and_type_counts('trt', 'deliverable') }}

),

installs as (

    select * from {{ ref('pmr_installs') }}

),

forecast as (

    select * from {{ ref('pmr_install_forecast') }}

),

deviations as (

    select * from forecast
    where has_data

),

incidents as (

    select day, major_incidents_open from forecast
    where segment = 'All' and day is not null

),

install_kinds as (

    select * from {{ ref('pmr_install_and_leave') }}

)

{{ metric_rows('trt', {'ic.pct_trt_missed': 'pct_trt_missed'},
               {'segment': 'segment', 'device_type': 'device_type'}, day=none) }}
union all
{{ metric_rows('trt_populations', {'ic.requests': 'deliverable'},
               {'segment': 'segment', 'device_type': 'device_type'}, day=none, keep_empty=['ic.requests']) }}
union all
{{ metric_rows('installs', {'ic.installs': 'installs'},
               {'segment': 'segment', 'device_type': 'device_type', 'category': 'category'},
               keep_empty=['ic.installs']) }}
union all
{{ metric_rows('forecast', {'ic.installs_predicted': 'predicted_installs'}, {'segment': 'segment'},
               keep_empty=['ic.installs_predicted']) }}
union all
{{ metric_rows('deviations', {'ic.deviation': 'deviation'}, {'segment': 'segment'}, keep_empty=['ic.deviation']) }}
union all
{{ metric_rows('install_kinds',
               {'ic.install_and_commission': 'install_and_commission', 'ic.install_and_leave': 'install_and_leave'},
               {'segment': 'segment'}, day=none,
               keep_empty=['ic.install_and_commission', 'ic.install_and_leave']) }}
union all
{{ metric_rows('incidents', {'ic.major_incidents_open': 'major_incidents_open'}, {},
               keep_empty=['ic.major_incidents_open']) }}
