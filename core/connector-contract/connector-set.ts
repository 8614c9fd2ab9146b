import { z } from "zod";
import type { Channel } from "../../normalizers/canonical-message";
import type { ConnectorConfigBase, ConnectorDefinition, IngestPolicy } from "./connector";

/**
 * Every connector type a build knows, keyed by type. Built once, in the connector registry; core receives it from
 * the composition root (core/hub.ts) and never imports a connector itself.
 */
export type ConnectorCatalog = Readonly<Record<string, ConnectorDefinition>>;

/** One entry of `connectors:` bound to the definition of its type. */
export interface ConfiguredConnector {
  id: string;
  config: ConnectorConfigBase;
  definition: ConnectorDefinition;
}

/**
 * The configured connectors, each bound to its definition: what the HTTP edge, the worker, the pollers and the
 * outbox are handed. They ask it for a connector by id or for what connectors can do (take HTTP requests, poll,
 * answer on a channel), never for a connector type by name.
 */
export class ConnectorSet {
  private readonly byId: ReadonlyMap<string, ConfiguredConnector>;

  private constructor(readonly all: readonly ConfiguredConnector[]) {
    this.byId = new Map(all.map((connector) => [connector.id, connector]));
  }

  /**
   * Binds validated config entries to their definitions.
   *
   * @throws Error for an entry whose type the catalog lacks: the config was validated with another catalog (a bug).
   */
  static bind(entries: readonly ConnectorConfigBase[], catalog: ConnectorCatalog): ConnectorSet {
    return new ConnectorSet(
      entries.map((config) => {
        const definition = catalog[config.type];
        if (!definition) throw new Error(`connector ${config.id}: no connector of type "${config.type}" is registered`);
        return { id: config.id, config, definition };
      }),
    );
  }

  get(id: string): ConfiguredConnector | undefined {
    return this.byId.get(id);
  }

  /** Connectors of one type, in config order (for `plaint parse --channel`). */
  ofType(type: string): ConfiguredConnector[] {
    return this.all.filter((connector) => connector.config.type === type);
  }

  /** The connectors vendors post to. */
  withHttp(): ConfiguredConnector[] {
    return this.all.filter((connector) => connector.definition.http !== undefined);
  }

  /** The connectors that fetch their messages. */
  withPoller(): ConfiguredConnector[] {
    return this.all.filter((connector) => connector.definition.poller !== undefined);
  }

  /** The connectors able to send on a channel (with what sending needs configured), in config order. */
  answering(channel: string): ConfiguredConnector[] {
    return this.sending().filter((connector) => connector.definition.reply?.channels.includes(channel as Channel));
  }

  /** The channels a reply can be sent on with this configuration. */
  replyChannels(): Set<Channel> {
    return new Set(this.sending().flatMap(({ definition }) => definition.reply?.channels ?? []));
  }

  /** The connectors with a reply sender and what it needs configured (a mailbox's SMTP server). */
  private sending(): ConfiguredConnector[] {
    return this.all.filter(({ definition, config }) => definition.reply && !definition.reply.unableToSend?.(config));
  }

  /** Per connector id, what the pipeline does beyond placing its messages. */
  ingestPolicies(): Map<string, IngestPolicy> {
    return new Map(
      this.all.flatMap(({ id, config, definition }) => {
        const policy = definition.ingestPolicy?.(config);
        return policy ? [[id, policy] as const] : [];
      }),
    );
  }
}

/**
 * The schema of one `connectors:` entry, chosen by `type` among the catalog's own schemas. A discriminated union,
 * so a mistake inside one entry is reported against that connector's schema instead of as "matches none".
 */
export function connectorEntrySchema(catalog: ConnectorCatalog): z.ZodType<ConnectorConfigBase> {
  const schemas = Object.values(catalog).map((definition) => definition.configSchema);
  const [first, ...others] = schemas;
  if (!first) throw new Error("no connector type is registered");
  // Every definition's schema is an object schema with a literal `type` (defineConnector's contract); the types
  // cannot say so for a catalog built at run time.
  type EntrySchema = z.ZodObject<{ id: z.ZodString; type: z.ZodLiteral<string> }>;
  const options = [first, ...others] as unknown as [EntrySchema, ...EntrySchema[]];
  return z.discriminatedUnion("type", options);
}
