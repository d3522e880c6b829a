/** Saves text as a file through the browser's (or Electron's) download, without a round trip. */
export function saveFile(f: { filename: string; contentType: string; content: string }): void {
  const url = URL.createObjectURL(new Blob([f.content], { type: f.contentType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = f.filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
