"use client";

export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", padding: "3rem" }}>
        <h1>Something went wrong</h1>
        <p>
          The portal could not show this page. If it keeps happening, give your administrator this
          reference:
        </p>
        <code>{error.digest ?? "unavailable"}</code>
      </body>
    </html>
  );
}
