-- Table inventory of every document that was not quarantined (a registered
-- template keeps its inventory too): tables and narrative pages, in page order.
select *
from {{ ref('stg_document_tables') }}
where document_id in (select document_id from {{ ref('int_documents') }} where status <> 'quarantined')
