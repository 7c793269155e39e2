;;; emacs_session.el --- drive neurodebug from a real, batch-mode Emacs with eglot  -*- lexical-binding: t -*-
;; Inputs (environment): ND_FILE (Python file to open), ND_OUT (JSON results), ND_PYTHON.
;; What a user sees through eglot: flymake diagnostics, hover text, then diagnostics after an edit.
;; Every wait has a timeout and records what it saw; the pytest side asserts.

(require 'package)
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(require 'json)
(require 'eglot)
(require 'flymake)

(defvar nd-out (make-hash-table :test 'equal))

(defun nd-wait (predicate seconds)
  "Pump the event loop until PREDICATE holds or SECONDS pass; return whether it held."
  (let ((deadline (+ (float-time) seconds)) (done nil))
    (while (and (not (setq done (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (and done t)))

(defun nd-diagnostics ()
  "The flymake diagnostics of the current buffer as (line code message) alists."
  (mapcar (lambda (d)
            (let ((text (flymake-diagnostic-text d)))
              `((line . ,(line-number-at-pos (flymake-diagnostic-beg d)))
                (text . ,text)
                (type . ,(symbol-name (flymake-diagnostic-type d))))))
          (flymake-diagnostics)))

(defun nd-finish ()
  (with-temp-file (getenv "ND_OUT") (insert (json-encode nd-out)))
  (kill-emacs 0))

(condition-case err
    (progn
      (setq eglot-server-programs
            `((python-mode . (,(getenv "ND_PYTHON") "-m" "neurodebug" "serve"))))
      (setq flymake-no-changes-timeout 0.2)
      (find-file (getenv "ND_FILE"))
      (python-mode)
      ;; `eglot-ensure' waits for a command loop that batch mode never runs: connect directly,
      ;; in a transient project rooted at the file's folder (what M-x eglot asks for).
      (eglot '(python-mode) (cons 'transient (file-name-directory (getenv "ND_FILE")))
             'eglot-lsp-server (cdr (assq 'python-mode eglot-server-programs)) "python")
      (puthash "attached" (nd-wait (lambda () (eglot-current-server)) 30) nd-out)
      ;; 1. Diagnostics as flymake shows them (eglot asks for none: the server pushes).
      (puthash "diagnostics_seen" (nd-wait (lambda () (flymake-diagnostics)) 30) nd-out)
      (nd-wait (lambda () nil) 1)  ; let a late second publish land
      (puthash "diagnostics" (vconcat (nd-diagnostics)) nd-out)
      ;; 2. Hover on `total` in `return total` (line 6), through eglot's own connection.
      (goto-char (point-min))
      (forward-line 5)
      (search-forward "total")
      (backward-char 2)
      (let ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                    (eglot--TextDocumentPositionParams))))
        (puthash "hover" (plist-get (plist-get hover :contents) :value) nd-out))
      ;; 3. Fix the syntax error the way a user would: type the missing `)`.
      (goto-char (point-min))
      (search-forward "def broken(x:")
      (backward-char 1)
      (insert ")")
      ;; eglot sends the change from an idle timer, and batch mode is never idle: send it now.
      (eglot--signal-textDocument/didChange)
      (puthash "cleared"
               (nd-wait (lambda ()
                          (flymake-start)
                          (let ((ds (nd-diagnostics)))
                            (and ds (not (seq-some (lambda (d) (string-match-p "ND000" (alist-get 'text d))) ds)))))
                        30)
               nd-out)
      (puthash "after_edit" (vconcat (nd-diagnostics)) nd-out)
      (nd-finish))
  (error (puthash "error" (format "%S" err) nd-out) (nd-finish)))
