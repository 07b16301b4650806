/** Options of `createWebhookExitModule`: for embedding and tests. Endpoints are configuration, not options. */
export interface WebhookExitModuleOptions {
  /**
   * The clock: the signing time of each attempt (`webhook-timestamp`) and the `time` of events the CA records no
   * time for.
   * @default () => new Date()
   */
  now?: () => Date;
  /**
   * Where `SecretEnv` names are looked up.
   * @default process.env
   */
  env?: NodeJS.ProcessEnv;
}
