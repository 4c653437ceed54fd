/** A stand-in for stdout/stderr that keeps what the CLI writes (not a TTY, so no progress bar). */
export class Sink {
  text = "";
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
