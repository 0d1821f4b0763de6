/**
 * Text for a terminal: article text is data, never commands to the terminal. "ESC[2J" in an
 * article would clear the screen, a lone carriage return would overwrite the line before it, and
 * bidirectional overrides would reorder what is shown. `--json` output is not passed through here:
 * it stays exact (JSON escapes every control character itself).
 */
import { stripBidiControls } from "../bot/text.js";

/** C0 controls other than tab and newline, DEL, and the C1 controls (U+0080–U+009F, which include the one-character CSI). */
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Unicode's "control pictures" block shows C0 controls visibly: ESC is ␛ (U+241B). */
const CONTROL_PICTURES = 0x2400;

/** Shows control characters as visible symbols (ESC as ␛, DEL as ␡, C1 controls as �) and drops bidi controls. */
export function terminalSafe(text: string): string {
  return stripBidiControls(text).replace(CONTROLS, (char) => {
    const code = char.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(CONTROL_PICTURES + code);
    if (code === 0x7f) return "\u2421";
    return "\uFFFD";
  });
}
