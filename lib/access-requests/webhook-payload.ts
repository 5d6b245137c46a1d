import { randomUUID } from "node:crypto";
import type { RequestView } from "./request-view";

/** The events a webhook hears about (README "Access requests" documents the payload). */
export type WebhookEvent =
  "requested" | "approved" | "denied" | "cancelled" | "expired" | "activated" | "ended";

export interface WebhookPayload {
  /**
   * The event's own id, made once when the event is written to the outbox: the same in every
   * retry and for every destination told of it. It is in the signed body, so a receiver
   * de-duplicates on it (the X-Gatehouse-Delivery header is not signed).
   */
  id: string;
  /** Slack-compatible: an incoming-webhook URL shows this line as the message. */
  text: string;
  event: WebhookEvent;
  at: string;
  actor: string | null;
  comment: string | null;
  request: {
    id: string;
    status: string;
    requester: string;
    role: {
      name: string;
      arn: string;
      accountId: string;
      accountName: string;
      environment: string;
    };
    reason: string;
    ticket: string;
    durationSeconds: number;
    breakGlass: boolean;
    startsAt: string;
    endsAt: string | null;
    /** Until when approvers may decide; after that the request expires undecided. */
    decideBy: string;
    url: string;
  };
}

/**
 * Slack's message text treats <…> as links and mentions (<!channel>, <@U123>): what a requester
 * typed must not ping a channel, so &, < and > are escaped as Slack documents.
 */
export function slackEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** An instant as a person reads it in a chat message: "2026-12-10 09:00 UTC". */
function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function hours(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${Math.round(seconds / 60)} min`;
}

export function webhookPayload(p: {
  event: WebhookEvent;
  request: RequestView;
  actorEmail: string | null;
  comment: string | null;
  at: Date;
  portalUrl: string;
  revoked: boolean;
}): WebhookPayload {
  const raw = p.request;
  // Only the message text is escaped; the structured fields carry the values as they are.
  const r = {
    ...raw,
    requesterEmail: slackEscape(raw.requesterEmail),
    reason: slackEscape(raw.reason),
    roleName: slackEscape(raw.roleName),
    accountName: slackEscape(raw.accountName),
    environment: slackEscape(raw.environment),
  };
  // The request itself: the page shows it first, and signing in from the link returns to it.
  const url = `${p.portalUrl}/requests?request=${encodeURIComponent(raw.id)}`;
  // An approver deciding from the chat must see when the access would start, not only how long.
  const later = Date.parse(raw.startsAt) > p.at.getTime();
  const starting = later ? `, starting ${utcMinute(raw.startsAt)}` : "";
  const ticket = raw.ticket ? ` Ticket: ${slackEscape(raw.ticket)}.` : "";
  const what = `${r.roleName} in ${r.accountName} (${r.accountId}, ${r.environment})`;
  const by = p.actorEmail ? ` by ${slackEscape(p.actorEmail)}` : "";
  const why = p.comment ? `: “${slackEscape(p.comment)}”` : "";
  const lines: Record<WebhookEvent, string> = {
    requested: r.breakGlass
      ? `:rotating_light: BREAK-GLASS: ${r.requesterEmail} activated ${what} for ${hours(r.durationSeconds)}. Reason: ${r.reason}`
      : `${r.requesterEmail} requests ${what} for ${hours(r.durationSeconds)}${starting}. Reason: ${r.reason || "(none)"}.${ticket}`,
    approved: `${r.requesterEmail}'s request for ${what} was approved${by}${why}${later ? ` (starts ${utcMinute(raw.startsAt)})` : ""}`,
    denied: `${r.requesterEmail}'s request for ${what} was denied${by}${why}`,
    cancelled: `${r.requesterEmail} cancelled the request for ${what}`,
    expired: `${r.requesterEmail}'s request for ${what} expired undecided`,
    activated: `${r.requesterEmail} now has ${what}${r.endsAt ? ` until ${utcMinute(r.endsAt)}` : ""}${r.breakGlass ? " (break-glass)" : ""}`,
    ended: p.revoked
      ? `${r.requesterEmail}'s access to ${what} was revoked${by}${why}`
      : `${r.requesterEmail}'s access to ${what} ended`,
  };
  return {
    id: randomUUID(),
    text: `${lines[p.event]} <${url}|Open in Gatehouse>`,
    event: p.event,
    at: p.at.toISOString(),
    actor: p.actorEmail,
    comment: p.comment,
    request: {
      id: raw.id,
      status: raw.status,
      requester: raw.requesterEmail,
      role: {
        name: raw.roleName,
        arn: raw.roleArn,
        accountId: raw.accountId,
        accountName: raw.accountName,
        environment: raw.environment,
      },
      reason: raw.reason,
      ticket: r.ticket,
      durationSeconds: r.durationSeconds,
      breakGlass: r.breakGlass,
      startsAt: r.startsAt,
      endsAt: r.endsAt,
      decideBy: r.decideBy,
      url,
    },
  };
}
