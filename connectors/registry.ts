import type { ConnectorDefinition } from "./connector";
import { webhookConnector } from "./webhook/webhook.connector";
import type { WebhookConnectorConfig } from "./webhook/webhook.schema";

/** The config type of each connector type; adding a connector starts here. */
export interface ConnectorConfigs {
  webhook: WebhookConnectorConfig;
}
export type ConnectorType = keyof ConnectorConfigs;
export type AnyConnectorConfig = ConnectorConfigs[ConnectorType];

/** Every connector type the hub knows; a type without an entry here is a compile error. */
export const connectorRegistry = {
  webhook: webhookConnector,
} satisfies { [Type in ConnectorType]: ConnectorDefinition<ConnectorConfigs[Type]> };

/** The definition that handles a configured connector. */
export function connectorFor<Config extends AnyConnectorConfig>(config: Config): ConnectorDefinition<Config> {
  // The registry is keyed by the same discriminant as the config union, so this lookup is always the right one;
  // TypeScript cannot correlate the two without the cast.
  return connectorRegistry[config.type] as unknown as ConnectorDefinition<Config>;
}
