{#- Reason when a device_type is present but not one of the contract's types. -#}
{% macro valid_device_type(column) -%}
    case when {{ column }} is not null
        and {{ column }} not in ('ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'HCALCS', 'IHD')
        then 'unknown device_type' end
{%- endmacro %}
