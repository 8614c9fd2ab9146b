import { z } from "zod";

/**
 * The parts of a Meta webhook delivery the hub reads. Objects are loose on purpose: Meta adds fields without
 * notice, and a new field must never turn a customer's message into a 400. Only what the normalizers need is
 * required, so a missing one is refused with its JSON path instead of failing later in the worker.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 * @see https://developers.facebook.com/docs/messenger-platform/webhooks
 */

const id = z.string().min(1, "must be a non-empty id");
/** WhatsApp sends Unix seconds as a string. */
const unixSecondsText = z.string().regex(/^\d{1,12}$/, "must be Unix seconds, as a string of digits");

const waMedia = z
  .object({
    id,
    mime_type: z.string().min(1),
    caption: z.string().optional(),
    filename: z.string().optional(),
  })
  .loose();

const waContactCard = z
  .object({
    name: z.object({ formatted_name: z.string().optional(), first_name: z.string().optional() }).loose().optional(),
    phones: z.array(z.object({ phone: z.string().optional(), wa_id: z.string().optional() }).loose()).optional(),
    emails: z.array(z.object({ email: z.string().optional() }).loose()).optional(),
  })
  .loose();

const waError = z
  .object({
    code: z.number().optional(),
    title: z.string().optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).loose().optional(),
  })
  .loose();

/** The content of a text or media message, as WhatsApp nests it inside an edit. */
const waEditedContent = z
  .object({
    type: z.string().optional(),
    text: z.object({ body: z.string() }).loose().optional(),
    image: z.object({ caption: z.string().optional() }).loose().optional(),
    video: z.object({ caption: z.string().optional() }).loose().optional(),
    document: z.object({ caption: z.string().optional() }).loose().optional(),
  })
  .loose();

export const waMessageSchema = z
  .object({
    id,
    type: z.string().min(1),
    timestamp: unixSecondsText,
    /** The customer's phone number, digits without `+`; Meta omits it for users known only by a username. */
    from: z.string().optional(),
    /** The business-scoped user id (BSUID) of users who hide their number. */
    from_user_id: z.string().optional(),
    context: z.object({ id: z.string().optional(), from: z.string().optional() }).loose().optional(),
    text: z.object({ body: z.string() }).loose().optional(),
    image: waMedia.optional(),
    audio: waMedia.optional(),
    voice: waMedia.optional(),
    video: waMedia.optional(),
    document: waMedia.optional(),
    sticker: waMedia.optional(),
    location: z
      .object({
        latitude: z.number(),
        longitude: z.number(),
        name: z.string().optional(),
        address: z.string().optional(),
      })
      .loose()
      .optional(),
    contacts: z.array(waContactCard).optional(),
    interactive: z
      .object({
        type: z.string(),
        button_reply: z.object({ id, title: z.string() }).loose().optional(),
        list_reply: z.object({ id, title: z.string(), description: z.string().optional() }).loose().optional(),
      })
      .loose()
      .optional(),
    button: z.object({ payload: z.string(), text: z.string() }).loose().optional(),
    reaction: z.object({ message_id: id, emoji: z.string().optional() }).loose().optional(),
    edit: z.object({ original_message_id: id, message: waEditedContent.optional() }).loose().optional(),
    revoke: z.object({ original_message_id: id }).loose().optional(),
    referral: z.record(z.string(), z.unknown()).optional(),
    system: z.object({ body: z.string().optional() }).loose().optional(),
    errors: z.array(waError).optional(),
  })
  .loose();

export const waStatusSchema = z
  .object({
    id,
    status: z.string().min(1),
    timestamp: unixSecondsText,
    recipient_id: z.string().optional(),
    errors: z.array(waError).optional(),
  })
  .loose();

export const waChangeValueSchema = z
  .object({
    metadata: z.object({ display_phone_number: z.string(), phone_number_id: id }).loose(),
    contacts: z
      .array(
        z
          .object({
            wa_id: z.string().optional(),
            user_id: z.string().optional(),
            profile: z.object({ name: z.string().optional() }).loose().optional(),
          })
          .loose(),
      )
      .optional(),
    messages: z.array(waMessageSchema).optional(),
    statuses: z.array(waStatusSchema).optional(),
  })
  .loose();

const messengerAttachment = z
  .object({
    type: z.string().min(1),
    payload: z.object({ url: z.string().optional(), title: z.string().optional() }).loose().nullish(),
  })
  .loose();

const referral = z.record(z.string(), z.unknown());

/** One `messaging[]` event of Messenger or Instagram. */
export const messagingEventSchema = z
  .object({
    sender: z.object({ id }).loose(),
    recipient: z.object({ id }).loose(),
    /** Milliseconds since the epoch; the dashboard's test events write seconds, as a string. */
    timestamp: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,13}$/)], {
      error: "must be milliseconds (or seconds) since the epoch",
    }),
    message: z
      .object({
        mid: id,
        text: z.string().optional(),
        is_echo: z.boolean().optional(),
        is_deleted: z.boolean().optional(),
        is_unsupported: z.boolean().optional(),
        attachments: z.array(messengerAttachment).optional(),
        quick_reply: z.object({ payload: z.string() }).loose().optional(),
        reply_to: z.object({ mid: z.string().optional() }).loose().optional(),
        referral: referral.optional(),
      })
      .loose()
      .optional(),
    message_edit: z
      .object({ mid: id, text: z.string(), num_edit: z.union([z.number(), z.string()]) })
      .loose()
      .optional(),
    reaction: z
      .object({ mid: id, action: z.string(), emoji: z.string().optional(), reaction: z.string().optional() })
      .loose()
      .optional(),
    delivery: z
      .object({ mids: z.array(id).optional() })
      .loose()
      .optional(),
    read: z.object({ mid: z.string().optional() }).loose().optional(),
    postback: z
      .object({ title: z.string(), payload: z.string(), mid: z.string().optional(), referral: referral.optional() })
      .loose()
      .optional(),
    referral: referral.optional(),
  })
  .loose();

export const metaDeliverySchema = z
  .object({
    object: z.enum(["whatsapp_business_account", "page", "instagram"], {
      error: 'must be "whatsapp_business_account", "page" or "instagram"',
    }),
    entry: z.array(
      z
        .object({
          id,
          changes: z.array(z.object({ field: z.string(), value: z.unknown() }).loose()).optional(),
          messaging: z.array(messagingEventSchema).optional(),
        })
        .loose(),
    ),
  })
  .loose();

export type WaMessage = z.infer<typeof waMessageSchema>;
export type WaStatus = z.infer<typeof waStatusSchema>;
export type WaChangeValue = z.infer<typeof waChangeValueSchema>;
export type WaError = z.infer<typeof waError>;
export type MessagingEvent = z.infer<typeof messagingEventSchema>;
export type MetaDelivery = z.infer<typeof metaDeliverySchema>;
