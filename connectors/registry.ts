import type { ConnectorConfig, ConnectorConfigOf, ConnectorType } from "../core/config/connectors.schema";
import type { ConnectorDefinition } from "../core/connector-contract/connector";
import { emailConnector } from "./channels/email/email.connector";
import { metaConnector } from "./channels/meta/meta.connector";
import { slackCustomerConnector } from "./channels/slack-customer/slack-customer.connector";
import { twilioConnector } from "./channels/twilio/twilio.connector";
import { webhookConnector } from "./channels/webhook/webhook.connector";

/** A validated connector entry of the config, any type. */
export type AnyConnectorConfig = ConnectorConfig;

/**
 * Every connector type the hub knows, keyed like the config's connector schemas
 * (core/config/connectors.schema.ts): a type without an entry here is a compile error.
 */
export const connectorRegistry = {
  webhook: webhookConnector,
  email: emailConnector,
  twilio: twilioConnector,
  meta: metaConnector,
  "slack-customer": slackCustomerConnector,
} satisfies { [Type in ConnectorType]: ConnectorDefinition<ConnectorConfigOf<Type>> };

/** The definition that handles a configured connector. */
export function connectorFor<Config extends AnyConnectorConfig>(config: Config): ConnectorDefinition<Config> {
  // The registry is keyed by the same discriminant as the config union, so this lookup is always the right one;
  // TypeScript cannot correlate the two without the cast.
  return connectorRegistry[config.type] as unknown as ConnectorDefinition<Config>;
}
