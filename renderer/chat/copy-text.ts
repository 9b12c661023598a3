// Copies text to the clipboard. The async Clipboard API needs a permission
// the Electron window denies (it grants none), so a copy command on a
// temporary field is the fallback. The field goes into the open modal dialog
// when there is one: everything outside a modal dialog is inert, and text in
// an inert field cannot be selected, so the copy would fail.
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const field = document.createElement('textarea');
    field.value = text;
    field.setAttribute('readonly', '');
    field.className = 'visually-hidden';
    // The copy command copies the field as laid out: visually-hidden's nowrap would collapse runs of spaces (indentation).
    field.style.whiteSpace = 'pre';
    (document.querySelector('dialog[open]') ?? document.body).append(field);
    field.select();
    const copied = document.execCommand('copy');
    field.remove();
    previous?.focus();
    if (!copied) throw new Error('The answer could not be copied.');
  }
}
