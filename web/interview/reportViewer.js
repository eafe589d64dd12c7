// The interview report's viewer: plain DOM code inlined into the report's HTML, so the file
// works offline and from disk. It reads the embedded recording (replaying its edits for the
// playback) and the derived view (formatted values, diffs); it never writes to either.
(() => {
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const data = read('tailspin-interview-data');
  const view = read('tailspin-interview-view');
  const root = document.getElementById('report');
  const PURPOSE = { visible: 'Run', final: 'Final check', hidden: 'Hidden check' };

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'onclick' || k === 'oninput') el[k] = v;
      else if (v !== undefined && v !== null) el.setAttribute(k, String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const clock = (ms) => {
    const s = Math.max(0, Math.round((ms - view.startedAtMs) / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  };

  // The text after each edit, as the candidate's editor held it.
  function apply(text, changes) {
    let out = text;
    for (const c of [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
      out = out.slice(0, c.rangeOffset) + c.text + out.slice(c.rangeOffset + c.rangeLength);
    }
    return out;
  }
  const frames = [];
  let text = null;
  for (const r of data.records) {
    if (r.event.type === 'start') text = r.event.code;
    else if (r.event.type === 'edit' && text !== null) text = apply(text, r.event.changes);
    else continue;
    frames.push({ seq: r.seq, atMs: r.atMs, text });
  }

  const s = view.settings;
  root.append(
    h('h1', {}, `Interview report: ${view.title}`),
    h(
      'p',
      { class: 'muted' },
      `Round ${view.roundId.slice(0, 12)} · ${s.timeLimitMin} min · hints allowed ${s.hintsAllowed} · visible seed${s.visibleSeeds.length > 1 ? 's' : ''} ${s.visibleSeeds.join(', ')} · hidden seeds ${s.hidden.seeds.join(', ')} at load ×${s.hidden.loadScale} · ${view.engine}`,
    ),
    h(
      'p',
      {},
      `Started ${new Date(view.startedAtMs).toISOString().replace('T', ' ').slice(0, 19)} UTC. `,
      view.submittedAtMs === null
        ? 'Not submitted.'
        : `Submitted at ${clock(view.submittedAtMs)}${view.submitReason === 'timeout' ? ' automatically, when the time was up' : ' by the candidate'}. `,
      `${view.edits} edits, ${view.runs.filter((r) => r.purpose === 'visible').length} runs.`,
    ),
  );

  function runsTable(runs, withTime) {
    return h(
      'table',
      { class: 'runs' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          withTime ? h('th', {}, 'Time') : null,
          h('th', {}, 'Check'),
          h('th', {}, 'Seed'),
          h('th', {}, 'Load'),
          h('th', {}, 'Verdict'),
          h('th', {}, 'SLOs'),
        ),
      ),
      h(
        'tbody',
        {},
        runs.map((r) =>
          h(
            'tr',
            { 'data-purpose': r.purpose, 'data-verdict': r.verdict, class: 'run-row' },
            withTime ? h('td', { class: 'mono' }, h('a', { href: `#run-${r.seq}`, onclick: () => showRun(r) }, clock(r.atMs))) : null,
            h('td', {}, PURPOSE[r.purpose]),
            h('td', { class: 'mono' }, r.seed),
            h('td', { class: 'mono' }, `×${r.loadScale}`),
            h(
              'td',
              { class: r.verdict === 'pass' ? 'pass' : 'fail' },
              r.verdict === 'failed' ? `failed: ${r.failure || ''}` : r.verdict === 'stopped' ? 'stopped by the candidate' : r.verdict,
            ),
            h(
              'td',
              {},
              r.slos.map((x) =>
                h('span', { class: `chip ${x.pass ? 'pass' : 'fail'}`, title: `target ${x.threshold}` }, `${x.label}: ${x.value}`),
              ),
              r.checksFailed.length ? h('span', { class: 'chip fail' }, `failed checks: ${r.checksFailed.join(', ')}`) : null,
            ),
          ),
        ),
      ),
    );
  }

  const finals = view.runs.filter((r) => r.purpose !== 'visible');
  root.append(
    h('h2', {}, 'Final results'),
    finals.length ? runsTable(finals, false) : h('p', { class: 'muted' }, 'No final checks were run.'),
  );
  const finalRun = view.runs.find((r) => r.purpose === 'final');
  root.append(h('h2', {}, 'Diagnosis of the final run'));
  if (!finalRun || finalRun.findings.length === 0)
    root.append(h('p', { class: 'muted' }, 'No findings: nothing the diagnosis looks for showed.'));
  else
    root.append(
      h(
        'ul',
        { class: 'findings', id: 'findings' },
        finalRun.findings.map((f) =>
          h(
            'li',
            {},
            h('strong', {}, f.title),
            ' ',
            f.detail,
            f.explains.length ? h('span', { class: 'muted' }, ` Explains: ${f.explains.join(', ')}.`) : null,
          ),
        ),
      ),
    );
  root.append(
    h('h2', {}, 'The candidate’s note'),
    view.note ? h('blockquote', { id: 'note' }, view.note) : h('p', { class: 'muted' }, 'No note.'),
  );

  root.append(h('h2', {}, 'Timeline of runs'), runsTable(view.runs, true));
  const flags = [
    ...view.hintsOpened.map((x) => [x.atMs, `hint ${x.index + 1} opened`]),
    ...view.pastes.map((x) => [x.atMs, `large paste: ${x.lines} lines, ${x.chars} characters`]),
    ...view.focusAway.map((x) => [
      x.atMs,
      `left the page${x.backAtMs === null ? '' : ` for ${Math.round((x.backAtMs - x.atMs) / 1000)} s`}`,
    ]),
  ].sort((a, b) => a[0] - b[0]);
  root.append(
    h('h3', {}, 'Flagged events'),
    flags.length
      ? h(
          'ul',
          { id: 'flags' },
          flags.map(([at, what]) => h('li', {}, h('span', { class: 'mono' }, clock(at)), ' ', what)),
        )
      : h('p', { class: 'muted' }, 'None.'),
  );

  // Playback: a slider over the edits; the code at each step, and the diff of the last run at or before it.
  const slider = h('input', {
    type: 'range',
    min: 0,
    max: Math.max(0, frames.length - 1),
    value: Math.max(0, frames.length - 1),
    id: 'playback-slider',
    'aria-label': 'Playback',
  });
  const where = h('p', { class: 'mono', id: 'playback-where' });
  const code = h('pre', { class: 'code', id: 'playback-code' });
  const diffTitle = h('h3', {});
  const diff = h('pre', { class: 'code diff', id: 'playback-diff' });
  const marks = h(
    'p',
    { class: 'marks' },
    'Jump to: ',
    view.runs.map((r) =>
      h(
        'button',
        { type: 'button', onclick: () => showRun(r), class: r.verdict === 'pass' ? 'pass' : 'fail' },
        `${PURPOSE[r.purpose]} ${clock(r.atMs)}`,
      ),
    ),
  );
  function render() {
    const f = frames[Number(slider.value)];
    if (!f) return;
    const next = frames[Number(slider.value) + 1];
    const run = view.runs.find((r) => r.seq > f.seq && (!next || r.seq < next.seq)) || null;
    where.textContent = `Edit ${slider.value} of ${frames.length - 1} · ${clock(f.atMs)} · ${f.text.split('\n').length} lines${run ? ` · ran: ${PURPOSE[run.purpose]} seed ${run.seed}, ${run.verdict}` : ''}`;
    code.textContent = f.text;
    const shown = run || [...view.runs].reverse().find((r) => r.seq < f.seq) || null;
    diffTitle.textContent = shown
      ? `Diff at the ${PURPOSE[shown.purpose].toLowerCase()} of ${clock(shown.atMs)} (since the run before)`
      : 'No run yet';
    const lines = shown ? (shown.diff.trim() ? shown.diff.split('\n') : ['(no change since the run before)']) : [];
    diff.replaceChildren(
      ...lines.map((line) =>
        h(
          'span',
          { class: line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '' },
          `${line}\n`,
        ),
      ),
    );
  }
  function showRun(r) {
    let i = 0;
    for (let k = 0; k < frames.length; k++) if (frames[k].seq < r.seq) i = k;
    slider.value = String(i);
    render();
    slider.scrollIntoView({ block: 'start' });
  }
  slider.oninput = render;
  root.append(
    h('h2', { id: 'playback' }, 'Playback'),
    slider,
    where,
    marks,
    h('div', { class: 'split' }, h('div', {}, h('h3', {}, 'Code'), code), h('div', {}, diffTitle, diff)),
  );
  render();
  root.append(
    h(
      'p',
      { class: 'muted small' },
      'The recording is embedded in this file. ',
      h('code', {}, 'tailspin verify <this file>'),
      ' checks its hash chain and runs every recorded run again, comparing the summaries byte for byte.',
    ),
  );
})();
