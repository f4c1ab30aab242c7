/**
 * Removes the quoted earlier conversation from a plain-text reply so only what the customer
 * just wrote is classified: `>` lines, and everything after a reply header such as
 * "On Mon, 5 Jan 2026 … wrote:", "Vào Th 2, 5 thg 1, 2026 … đã viết:", an Outlook
 * "-----Original Message-----" / "From: … Sent: …" block. A forwarded message is kept whole.
 */
const REPLY_HEADER = [
  /^\s*On\b.{0,300}\bwrote:?\s*$/i,
  /^\s*V[àa]o\s.{0,300}\s(đã|da)\s+vi[ếe]t:?\s*$/i,
  // Forwarded mail is not cut: what a customer forwards is usually the complaint itself.
  /^\s*-{2,}\s*(original message|th[ưu] g[ốo]c|tin nh[ắa]n g[ốo]c)\s*-*\s*$/i,
  /^\s*_{10,}\s*$/,
];
const FORWARD_MARKER =
  /^\s*(-{2,}\s*(forwarded message|th[ưu] chuy[ểe]n ti[ếe]p|tin nh[ắa]n [đd][ãa] chuy[ểe]n ti[ếe]p)\s*-*|begin forwarded message:?)\s*$/i;
const OUTLOOK_FROM = /^\s*(From|Từ|Tu):\s.+$/i;
const OUTLOOK_NEXT = /^\s*(Sent|Date|Gửi|Đã gửi|Ngày|To|Đến|Subject|Chủ đề):\s/i;

export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (FORWARD_MARKER.test(line)) {
      kept.push(...lines.slice(i)); // the forwarded mail is the content: keep it whole
      break;
    }
    const joined = `${line} ${lines[i + 1] ?? ''}`; // Gmail wraps "On … <a@b>\nwrote:"
    if (REPLY_HEADER.some((r) => r.test(line))) break;
    if (i + 1 < lines.length && /^\s*(On|V[àa]o)\b/i.test(line) && REPLY_HEADER.slice(0, 2).some((r) => r.test(joined))) break;
    if (OUTLOOK_FROM.test(line) && OUTLOOK_NEXT.test(lines[i + 1] ?? '')) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
