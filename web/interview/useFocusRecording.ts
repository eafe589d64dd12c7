/** Records the page losing the candidate's attention (another tab or window) and getting it back. */
import { useEffect } from 'react';
import type { RoundRecorder } from './RoundRecorder.ts';

export function useFocusRecording(recorder: RoundRecorder): void {
  useEffect(() => {
    let away = false;
    const note = () => {
      const now = document.visibilityState === 'hidden' || !document.hasFocus();
      if (now === away || recorder.submitted) return;
      away = now;
      recorder.append({ type: 'focus', away });
    };
    window.addEventListener('blur', note);
    window.addEventListener('focus', note);
    document.addEventListener('visibilitychange', note);
    return () => {
      window.removeEventListener('blur', note);
      window.removeEventListener('focus', note);
      document.removeEventListener('visibilitychange', note);
    };
  }, [recorder]);
}
