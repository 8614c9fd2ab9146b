import { z } from "zod";
import { emailConnectorConfigSchema } from "../../connectors/channels/email/email.schema";
import { metaConnectorConfigSchema } from "../../connectors/channels/meta/meta.schema";
import { slackCustomerConnectorConfigSchema } from "../../connectors/channels/slack-customer/slack-customer.schema";
import { twilioConnectorConfigSchema } from "../../connectors/channels/twilio/twilio.schema";
import { webhookConnectorConfigSchema } from "../../connectors/channels/webhook/webhook.schema";

/**
 * Every connector `type` the config accepts. Adding one here without a schema in {@link connectorConfigSchemas}
 * (or the other way round) is a compile error.
 */
export const CONNECTOR_TYPES = ["webhook", "email", "twilio", "meta", "slack-customer"] as const;

/** The `type` of a connector entry in the config. */
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

/** What the config loader needs from any connector schema: an object whose `type` is its own key here. */
type ConnectorSchemaFor<T extends ConnectorType> = z.ZodType<{ id: string; type: T }>;

/**
 * The config schema of each connector type. To add a connector, export its zod schema (a `strictObject` with
 * `id` and `type: z.literal("<type>")`) from its folder in `connectors/`, add the type to {@link CONNECTOR_TYPES}
 * and the schema here.
 */
export const connectorConfigSchemas = {
  webhook: webhookConnectorConfigSchema,
  email: emailConnectorConfigSchema,
  twilio: twilioConnectorConfigSchema,
  meta: metaConnectorConfigSchema,
  "slack-customer": slackCustomerConnectorConfigSchema,
} satisfies { [T in ConnectorType]: ConnectorSchemaFor<T> };

type AnyConnectorConfigSchema = (typeof connectorConfigSchemas)[ConnectorType];

/**
 * One entry of `connectors:`, chosen by `type`. A discriminated union, so a mistake inside one entry is reported
 * against that connector's own schema instead of as "matches none of the options".
 */
export const connectorConfigSchema = z.discriminatedUnion(
  "type",
  // Object.values loses the tuple type; the registry has at least one entry and `satisfies` checks each one.
  Object.values(connectorConfigSchemas) as [AnyConnectorConfigSchema, ...AnyConnectorConfigSchema[]],
);

/** A validated connector entry, one member per connector type. */
export type ConnectorConfig = z.output<typeof connectorConfigSchema>;

/** The validated config of one connector type, e.g. `ConnectorConfigOf<"webhook">`. */
export type ConnectorConfigOf<T extends ConnectorType> = Extract<ConnectorConfig, { type: T }>;
