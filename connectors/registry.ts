import type { ConnectorCatalog } from "../core/connector-contract/connector-set";
import { emailConnector } from "./channels/email/email.connector";
import { metaConnector } from "./channels/meta/meta.connector";
import { slackCustomerConnector } from "./channels/slack-customer/slack-customer.connector";
import { twilioConnector } from "./channels/twilio/twilio.connector";
import { webhookConnector } from "./channels/webhook/webhook.connector";

/** Each key must be its definition's `type`: the config's `type:` finds the definition by it. */
type KeyedByType<Registry> = { [Type in keyof Registry]: { type: Type } };

const definitions = {
  webhook: webhookConnector,
  email: emailConnector,
  twilio: twilioConnector,
  meta: metaConnector,
  "slack-customer": slackCustomerConnector,
};

/**
 * Every connector type the hub knows: the one list. A connector is added by its folder and one line here; the
 * composition root (core/hub.ts) hands this catalog to the config loader, the HTTP edge, the worker, the pollers
 * and the outbox. Config validation follows the order of this list when it names the types.
 */
export const connectorRegistry: ConnectorCatalog = definitions satisfies KeyedByType<typeof definitions>;
