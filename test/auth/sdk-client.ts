import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js'
import type { ICredential } from '@huaweicloud/huaweicloud-sdk-core/auth/ICredential.js'
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js'
import type { HcClient, HttpRequestOptions } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js'
import type { ClientOptions } from '@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient.js'
import type { IHttpRequest } from '@huaweicloud/huaweicloud-sdk-core/http/IHttpRequest.js'
import { Logger4jInstance } from '@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js'
import type { SdkResponse } from '@huaweicloud/huaweicloud-sdk-core/SdkResponse.js'

export { ClientRequestException } from '@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js'
export { ServiceResponseException } from '@huaweicloud/huaweicloud-sdk-core/exception/ServiceResponseException.js'

// The core prints every non-2xx, with the whole axios config, to stdout through log4js. Each failure
// still reaches the test as the exception it asserts on, so the print only adds noise; set
// WKS_TEST_SDK_LOG=1 to see it.
if (!process.env.WKS_TEST_SDK_LOG) Logger4jInstance.level = 'off'

/**
 * An HcClient as a service SDK's ClientBuilder makes it: endpoint overridden, no region (no IAM
 * calls). `axiosRequestConfig` is the core's own way to pass e.g. an https.Agent trusting a CA.
 */
export function sdkClient (endpoint: string, credential: ICredential, axiosRequestConfig?: ClientOptions['axiosRequestConfig']): HcClient {
  return new ClientBuilder<HcClient>((client) => client)
    .withCredential(credential)
    .withEndpoint(endpoint)
    // A custom user agent keeps build() from writing ~/.huaweicloud/application_id.
    .withOptions({ customUserAgent: 'wks-emulator-tests', axiosRequestConfig })
    .build()
}

export interface AkskParams { ak: string, sk: string, projectId: string, securityToken?: string }

export function akskCredential ({ ak, sk, projectId, securityToken }: AkskParams): BasicCredentials {
  const credential = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(projectId)
  return securityToken === undefined ? credential : credential.withSecurityToken(securityToken)
}

/**
 * The core has no token credential (the SDKs sign with AK/SK), so token mode plugs one in through
 * the core's own ICredential interface: it fills {project_id} as BasicCredentials does and sends
 * X-Auth-Token; sending, status handling and exceptions stay the core's.
 */
export class TokenCredential implements ICredential {
  constructor (private readonly token: string, private readonly projectId: string) {}
  getAk = (): undefined => undefined
  getSk = (): undefined => undefined
  async processAuthParams (): Promise<ICredential> { return this }
  async processAuthRequest (_client: HcClient, request: IHttpRequest): Promise<IHttpRequest> {
    request.url = request.url?.replace('{project_id}', encodeURIComponent(this.projectId))
    request.headers = { ...request.headers, 'X-Auth-Token': this.token }
    return request
  }
}

export interface CallOptions {
  /** Extra query parameters, signed and sent beside transaction_id. */
  query?: Record<string, string | string[]>
  /** Extra request headers; an X-Sdk-Date here is the one the core signs with. */
  headers?: Record<string, string>
}

export type AccessStagesResult = SdkResponse & Record<string, unknown>

/** ShowUserAccessStages, with the request options the Workspace SDK's ParamCreater builds. */
export async function showUserAccessStages (client: HcClient, transactionId: string | string[], options: CallOptions = {}): Promise<AccessStagesResult> {
  // The ParamCreater also sets responseHeaders, which the core's HttpRequestOptions type leaves out.
  const request: HttpRequestOptions & { responseHeaders: string[] } = {
    method: 'GET',
    url: '/v2/{project_id}/statistics/metrics/access-stages',
    contentType: 'application/json',
    queryParams: { transaction_id: transactionId, ...options.query },
    pathParams: {},
    headers: { ...options.headers },
    responseHeaders: ['']
  }
  return await client.sendRequest<AccessStagesResult>(request)
}
