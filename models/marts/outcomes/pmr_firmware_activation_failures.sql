{#- DF3 failure responses (the seed: "the percentage of success and failure
    responses to the SRV11.3"): the deliverable signed 11.3 requests of the period
    that did not succeed, by final response code (or `none`). The population is
    fw.activation_requests. -#}

{{ failures_by_final_code('11.3') }}
