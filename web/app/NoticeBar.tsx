import { useUi } from '../store/uiStore.ts';

/** One dismissible message under the top bar: share link results, storage problems. */
export function NoticeBar() {
  const notice = useUi((s) => s.notice);
  const setNotice = useUi((s) => s.setNotice);
  if (!notice) return null;
  return (
    <div className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
      <span>{notice.text}</span>
      {notice.restoreStash && (
        <button className="link-button" onClick={() => window.dispatchEvent(new Event('tailspin:restore-stash'))}>
          Restore my previous code
        </button>
      )}
      {notice.action && (
        <button
          className="link-button"
          onClick={() => {
            notice.action!.run();
            setNotice(null);
          }}
        >
          {notice.action.label}
        </button>
      )}
      <button className="notice-close" aria-label="Dismiss" onClick={() => setNotice(null)}>
        ×
      </button>
    </div>
  );
}
