// Written against the API's paths and field names, as an integrator's code would be: if the
// served schema drops or retypes one of them, `make api-clients` fails to type-check this file.
import type { paths } from "./schema";

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { "application/json": infer B } } };
}
  ? B
  : never;

type SellerReturn = Json<"/api/v1/seller/returns/{id}/", "get", 200>;
type Messages = Json<"/api/v1/seller/messages/", "get", 200>;
type ResponseTime = Json<"/api/v1/seller/metrics/contact-response-time/", "get", 200>;
type Refused = Json<"/api/v1/seller/returns/{id}/authorise/", "post", 409>;
type Invalid = Json<"/api/v1/seller/returns/{id}/refund/", "post", 400>;

export function returnLine(r: SellerReturn): string {
  const items = r.items.map((item) => `${item.quantity} × ${item.asin} (${item.reason})`).join(", ");
  const rma: string = r.rma ?? "no RMA yet";
  return `${r.order_id} ${r.status} ${rma} ${r.refunded_total} ${r.currency}: ${items}`;
}

export function awaiting(page: Messages): number[] {
  return page.results.filter((m) => m.needs_response && !m.responded_at).map((m) => m.id);
}

export function weekShare(figures: ResponseTime): number | null {
  const week = figures.windows.find((w) => w.days === 7);
  return week ? week.under_24h.percent : null;
}

export function whyRefused(error: Refused | Invalid): string[] {
  return error.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : `${e.code}: ${e.message}`));
}
