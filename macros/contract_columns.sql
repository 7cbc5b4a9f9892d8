{#- Staging helpers driven by a column spec: a list of [name, type, required]
    with type one of string, timestamp, integer, boolean (the landing contract,
    pmr/contract.py; tests/test_staging.py checks the two agree). -#}

{#- Typed columns, plus <name>__raw for every non-string column so that a
    value that fails to parse can be told apart from a missing one. -#}
{% macro typed_contract_columns(spec) -%}
    {%- for name, type, required in spec %}
        {%- if type == 'string' %}
    {{ name }}
        {%- elif type == 'timestamp' %}
    {{ parse_utc_timestamp(name) }} as {{ name }},
    {{ name }} as {{ name }}__raw
        {%- elif type == 'integer' %}
    {{ try_cast_to(name, 'bigint') }} as {{ name }},
    {{ name }} as {{ name }}__raw
        {%- elif type == 'boolean' %}
    {{ try_cast_to('lower(' ~ name ~ ')', 'boolean') }} as {{ name }},
    {{ name }} as {{ name }}__raw
        {%- endif %}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The first way a row breaks the column rules of the contract, else NULL. -#}
{% macro contract_violation(spec) -%}
    case
    {%- for name, type, required in spec if required %}
        when {{ name }}{{ '__raw' if type != 'string' }} is null then 'missing required value: {{ name }}'
    {%- endfor %}
    {%- for name, type, required in spec if type != 'string' %}
        when {{ name }}__raw is not null and {{ name }} is null then
            '{{ "unparsable timestamp" if type == "timestamp" else "invalid " ~ type }}: {{ name }}'
    {%- endfor %}
    end
{%- endmacro %}

{#- Columns that decide whether two rows are the same row: the typed values,
    and the raw text where a value did not parse. -#}
{% macro row_identity(spec) -%}
    {%- for name, type, required in spec -%}
        {{ name }}{% if type != 'string' %}, case when {{ name }} is null then {{ name }}__raw end{% endif %}{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
