import path from "node:path";
import { loadConfig } from "../../core/hub";

describe("the shipped config/plaint.yaml", () => {
  const shipped = path.join(__dirname, "..", "..", "config", "plaint.yaml");

  it("loads without any environment variable", () => {
    const result = loadConfig(shipped, {});
    expect(result.ok ? [] : result.problems).toStrictEqual([]);
    if (!result.ok) return;
    expect(result.config.routing.defaultTeam).toBe("support");
    expect(result.config.apiKeys.map((key) => [key.name, key.role])).toStrictEqual([
      ["local-admin", "admin"],
      ["dashboard-viewer", "viewer"],
    ]);
    expect(result.config.taxonomy.categories.map((category) => category.id)).toStrictEqual([
      "billing-payments",
      "delivery-fulfilment",
      "product-quality",
      "access-onboarding",
      "communication-expectations",
      "data-errors",
      "support-experience",
      "other",
    ]);
    expect(result.config.connectors).toStrictEqual([
      {
        id: "webform",
        type: "webhook",
        secret: "dev-webform-secret-change-me",
        signature: {
          header: "X-Plaint-Signature",
          algorithm: "sha256",
          encoding: "hex",
          prefix: "sha256=",
          timestampHeader: "X-Plaint-Timestamp",
          toleranceSeconds: 300,
        },
        mapping: {
          externalId: "/id",
          text: "/message",
          subject: "/subject",
          receivedAt: "/submitted_at",
          from: { email: "/email", name: "/name", phone: "/phone" },
        },
      },
    ]);
  });

  it("takes secrets from the environment when they are set", () => {
    const env = { PLAINT_ADMIN_KEY: "admin-key-from-the-environment", WEBFORM_SECRET: "webform-secret-from-env" };
    const result = loadConfig(shipped, env);
    const webform = result.ok ? result.config.connectors.find((connector) => connector.type === "webhook") : undefined;
    expect(
      result.ok && [
        result.config.apiKeys[0]?.key,
        webform?.type === "webhook" && (webform as { secret?: string }).secret,
      ],
    ).toStrictEqual(["admin-key-from-the-environment", "webform-secret-from-env"]);
  });
});
