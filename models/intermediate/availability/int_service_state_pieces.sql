{#- One row per reporting period, DCC Service, availability view (segment) and
    piece of time over which the Service's state is constant and which lies in
    one UK day and one time band. The pieces of a (period, service, segment)
    partition the period exactly: they are cut at every outage start and end
    and at every day and band boundary (util_uk_day_bands). A piece's state is
    `unplanned` if an unplanned outage of any component covers it, else
    `planned` if a planned one does, else `up`: overlapping outages therefore
    count once (never summed) and unplanned beats planned in the same instant.
    Time is exact (seconds with fractions), not rounded to whole minutes. -#}

with periods as (

    select * from {{ ref('int_reporting_periods') }}

),

slices as (

    select
        bands.period,
        bands.uk_date,
        bands.time_band,
        bands.slice_start_utc,
        bands.slice_end_utc
    from {{ ref('util_uk_day_bands') }} as bands
    inner join periods on bands.period = periods.period

),

service_views as (

    select service, segment from {{ ref('int_service_views') }}

),

intervals as (

    select * from {{ ref('int_service_outage_intervals') }}

),

boundaries as (

    select slices.period, service_views.service, service_views.segment, slices.slice_start_utc as boundary_utc
    from slices
    cross join service_views

    union

    select periods.period, service_views.service, service_views.segment, periods.period_end_utc
    from periods
    cross join service_views

    union

    select period, service, segment, interval_start_utc from intervals

    union

    select period, service, segment, interval_end_utc from intervals

),

pieces as (

    select
        period,
        service,
        segment,
        boundary_utc as piece_start_utc,
        lead(boundary_utc) over (
            partition by period, service, segment order by boundary_utc
        ) as piece_end_utc
    from boundaries

),

pieces_in_slices as (

    select
        pieces.period,
        pieces.service,
        pieces.segment,
        pieces.piece_start_utc,
        pieces.piece_end_utc,
        slices.uk_date,
        slices.time_band
    from pieces
    inner join slices
        on pieces.period = slices.period
        and pieces.piece_start_utc >= slices.slice_start_utc
        and pieces.piece_start_utc < slices.slice_end_utc
    where pieces.piece_end_utc is not null

),

covered as (

    select
        pieces_in_slices.period,
        pieces_in_slices.service,
        pieces_in_slices.segment,
        pieces_in_slices.piece_start_utc,
        pieces_in_slices.piece_end_utc,
        pieces_in_slices.uk_date,
        pieces_in_slices.time_band,
        max(case when not intervals.is_planned then 1 else 0 end) as has_unplanned,
        max(case when intervals.is_planned then 1 else 0 end) as has_planned
    from pieces_in_slices
    left join intervals
        on pieces_in_slices.period = intervals.period
        and pieces_in_slices.service = intervals.service
        and pieces_in_slices.segment = intervals.segment
        and intervals.interval_start_utc <= pieces_in_slices.piece_start_utc
        and intervals.interval_end_utc > pieces_in_slices.piece_start_utc
    group by
        pieces_in_slices.period,
        pieces_in_slices.service,
        pieces_in_slices.segment,
        pieces_in_slices.piece_start_utc,
        pieces_in_slices.piece_end_utc,
        pieces_in_slices.uk_date,
        pieces_in_slices.time_band

),

final as (

    select
        period,
        service,
        segment,
        piece_start_utc,
        piece_end_utc,
        uk_date,
        time_band,
        case
            when has_unplanned = 1 then 'unplanned'
            when has_planned = 1 then 'planned'
            else 'up'
        end as state,
        {{ seconds_between('piece_start_utc', 'piece_end_utc') }} as duration_s
    from covered

)

select * from final
