{#- Requirement 1 figures: RSVP per business process x segment, monthly and
    per UK day, from the pmr_rsvp mart. -#}

{{ metric_rows(
    ref('pmr_rsvp'),
    {
        'rsvp.volume': 'volume',
        'rsvp.rejected': 'rejected',
        'rsvp.mean_rtt_s': 'mean_rtt_s',
        'rsvp.median_rtt_s': 'median_rtt_s',
        'rsvp.min_rtt_s': 'min_rtt_s',
        'rsvp.max_rtt_s': 'max_rtt_s',
        'rsvp.pct_within_trt': 'pct_within_trt',
        'rsvp.pct_failed': 'pct_failed',
        'rsvp.mean_rtt_excl_han_s': 'mean_rtt_excl_han_s',
    },
    {'business_process': 'business_process', 'segment': 'segment'},
    keep_empty=['rsvp.volume', 'rsvp.rejected'],
) }}
