/**
 * The documented example of ShowUserAccessStages (spec/access-stages-api.txt), which the bundled
 * fixtures serve: one module for the tests and the bench, so they ask for the same record and
 * expect the same bytes.
 */
export const DOC_PROJECT = 'a4a5d4098fb4474fa22cd05f897d6b99'
export const DOC_TRANSACTION = '3f0c2a7e-9b1d-4c5e-8f6a-2d4b6c8e0a11'
/** The documented example response, byte for byte as the emulator sends it. */
export const DOC_BODY = '{"username":"user001","biz_type":"APP","stages":[{"stage":"LOGIN","duration":500,"is_success":true,' +
  '"start_time":1724328355052,"end_time":1724328355052,"error_code":"WKS.00000000","error_msg":"OK"}]}'

/** The request target of a lookup, the transaction id percent-encoded as a client would. */
export const stagesPath = (project: string, transaction: string): string =>
  `/v2/${project}/statistics/metrics/access-stages?transaction_id=${encodeURIComponent(transaction)}`

export const DOC_PATH = stagesPath(DOC_PROJECT, DOC_TRANSACTION)
