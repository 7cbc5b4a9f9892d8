{#- Every row read for one source, from both raw parts (Parquet read in place,
    CSV copied as text): the contract columns typed, their text (<name>__text,
    for the quarantine; only computed where used), _file, _row, and
    contract_reason: the first column rule the row breaks (missing or blank
    required value, unparsable or out-of-range value), else NULL. <name>__text
    is kept only where it can differ from the typed value: never for a text
    column, and for Parquet only where a value did not convert; raw_values_json
    falls back to the typed value
    (so the touched rows an incremental build stores do not hold every id twice).

    partition (incremental builds): {'column': <key column>, 'keys': <relation
    with _pkey>} keeps only the rows whose row_key of that column is listed,
    filtered on the raw value so that other rows are never typed or checked. -#}
{% macro landing_rows(source_name, partition=none) -%}
    {%- set spec = landing_contract(source_name) -%}
    {%- for part in ['parquet', 'csv'] %}
    {%- set text_timestamps = text_timestamp_columns(source_name, part) %}
    select
        raw._file,
        raw._row,
        {%- for name, type, required in spec %}
        {{ typed_value('raw.' ~ name, type) }} as {{ name }},
        {%- if type == 'string' %}
        {#- the typed value is the text already (raw_values_json falls back to it) #}
        cast(null as string) as {{ name }}__text,
        {%- elif part == 'csv' %}
        cast(raw.{{ name }} as string) as {{ name }}__text,
        {%- else %}
        {#- Parquet values are typed already: keep text only for one that did not
            convert (or that is refused below), so tens of millions of good rows are
            not cast to text. #}
        case when {{ typed_value('raw.' ~ name, type) }} is null
            {%- if name in text_timestamps %} or {{ unsafe_text_timestamp('raw.' ~ name) }}{% endif %}
            then cast(raw.{{ name }} as string) end as {{ name }}__text,
        {%- endif %}
        {%- endfor %}
        case
        {%- for name, type, required in spec if required %}
            {#- blank text is missing too; the cheap "< '!'" first keeps trim() off nearly every row #}
            when raw.{{ name }} is null
                {%- if type == 'string' %} or (cast(raw.{{ name }} as string) < '!' and trim(cast(raw.{{ name }} as string)) = ''){% endif %}
                then 'missing required value: {{ name }}'
        {%- endfor %}
        {%- for name in text_timestamps %}
            {#- In the Parquet view a native timestamp is text too when another file
                gives the column as text: only a value that converts is checked, so
                its reason never depends on the other files ('infinity' stays out of range). #}
            when {{ unsafe_text_timestamp('raw.' ~ name) }}
                {%- if part == 'parquet' %} and {{ typed_value('raw.' ~ name, 'timestamp') }} is not null{% endif %}
                then 'unparsable timestamp: {{ name }}'
        {%- endfor %}
        {%- for name, type, required in spec if type != 'string' %}
            when raw.{{ name }} is not null and {{ typed_value('raw.' ~ name, type) }} is null
            {%- if type == 'timestamp' %}
                then case when {{ parse_utc_timestamp('raw.' ~ name) }} is null then 'unparsable timestamp: {{ name }}'
                          else 'timestamp out of range: {{ name }}' end
            {%- else %}
                then 'invalid {{ type }}: {{ name }}'
            {%- endif %}
        {%- endfor %}
        end as contract_reason
    from {{ source('landing', source_name ~ '_' ~ part) }} as raw
    {%- if partition %}
    where {{ row_key([typed_value('raw.' ~ partition.column, 'string')]) }} in (select _pkey from {{ partition['keys'] }})
    {%- endif %}
    {{ "union all" if loop.first }}
    {%- endfor %}
{%- endmacro %}

{#- One raw value as its contract type; NULL when it does not convert. A timestamp
    must also fall in 2000-2045 (docs/decision-log.md): a zero or placeholder date
    such as 1970-01-01 is quarantined, not accepted, and utc_to_uk writes the BST
    rule out up to 2045 only. -#}
{% macro typed_value(expr, type) -%}
    {%- if type == 'string' -%}
        cast({{ expr }} as string)
    {%- elif type == 'timestamp' -%}
        case when {{ parse_utc_timestamp(expr) }} >= timestamp '2000-01-01'
                  and {{ parse_utc_timestamp(expr) }} < timestamp '2046-01-01'
             then {{ parse_utc_timestamp(expr) }} end
    {%- elif type == 'integer' -%}
        {{ try_cast_integer(expr) }}
    {%- elif type == 'boolean' -%}
        {{ try_cast_boolean(expr) }}
    {%- endif -%}
{%- endmacro %}

{#- The timestamp columns of one raw part of a source that hold text, which
    unsafe_text_timestamp must check: every one of the CSV part; of the Parquet view,
    those its files give as text (a Parquet timestamp type holds an instant already,
    and string functions would not apply to it). -#}
{% macro text_timestamp_columns(source_name, part) -%}
    {%- set timestamps = [] -%}
    {%- for name, type, required in landing_contract(source_name) if type == 'timestamp' -%}
        {%- do timestamps.append(name) -%}
    {%- endfor -%}
    {%- if part == 'csv' or not execute -%}
        {{ return(timestamps if part == 'csv' else []) }}
    {%- endif -%}
    {%- set text = [] -%}
    {%- for column in adapter.get_columns_in_relation(source('landing', source_name ~ '_parquet')) -%}
        {%- if column.name | lower in timestamps and (column.is_string() or column.dtype | lower == 'string') -%}
            {%- do text.append(column.name | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(text) }}
{%- endmacro %}
