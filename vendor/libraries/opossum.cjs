// opossum@10.0.0, bundled by build/bundle-libraries.ts (npm run libraries:bundle). Do not edit.
"use strict";
var __getOwnPropNames = Object.getOwnPropertyNames;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};

// node_modules/opossum/lib/status.js
var require_status = __commonJS({
  "node_modules/opossum/lib/status.js"(exports2, module2) {
    "use strict";
    var WINDOW = /* @__PURE__ */ Symbol("window");
    var BUCKETS = /* @__PURE__ */ Symbol("buckets");
    var TIMEOUT = /* @__PURE__ */ Symbol("timeout");
    var PERCENTILES = /* @__PURE__ */ Symbol("percentiles");
    var BUCKET_INTERVAL = /* @__PURE__ */ Symbol("bucket-interval");
    var SNAPSHOT_INTERVAL = /* @__PURE__ */ Symbol("snapshot-interval");
    var ROTATE_EVENT_NAME = /* @__PURE__ */ Symbol("rotate-event-name");
    var EventEmitter = require("events").EventEmitter;
    var Status = class extends EventEmitter {
      constructor(options) {
        super();
        this[BUCKETS] = options.rollingCountBuckets || 10;
        this[TIMEOUT] = options.rollingCountTimeout || 1e4;
        this[WINDOW] = new Array(this[BUCKETS]);
        this[PERCENTILES] = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 1];
        this[ROTATE_EVENT_NAME] = "rotate";
        this.rollingPercentilesEnabled = options.rollingPercentilesEnabled !== false;
        this.enableSnapshots = options.enableSnapshots !== false;
        this.rotateBucketController = options.rotateBucketController;
        this.rotateBucket = nextBucket(this[WINDOW]);
        for (let i = 0; i < this[BUCKETS]; i++) this[WINDOW][i] = bucket();
        const bucketInterval = Math.floor(this[TIMEOUT] / this[BUCKETS]);
        if (this.rotateBucketController) {
          this.startListeneningForRotateEvent();
        } else {
          this[BUCKET_INTERVAL] = setInterval(this.rotateBucket, bucketInterval);
          if (typeof this[BUCKET_INTERVAL].unref === "function") {
            this[BUCKET_INTERVAL].unref();
          }
        }
        if (this.enableSnapshots) {
          this[SNAPSHOT_INTERVAL] = setInterval(
            (_) => this.emit("snapshot", this.stats),
            bucketInterval
          );
          if (typeof this[SNAPSHOT_INTERVAL].unref === "function") {
            this[SNAPSHOT_INTERVAL].unref();
          }
        }
        if (options.stats) {
          this[WINDOW][0] = { ...bucket(), ...options.stats };
        }
      }
      /**
       * Get the cumulative stats for the current window
       * @type {Object}
       */
      get stats() {
        const totals = this[WINDOW].reduce((acc, val) => {
          if (!val) {
            return acc;
          }
          Object.keys(acc).forEach((key) => {
            if (key !== "latencyTimes" && key !== "percentiles") {
              acc[key] += val[key] || 0;
            }
          });
          if (this.rollingPercentilesEnabled) {
            if (val.latencyTimes) {
              acc.latencyTimes = acc.latencyTimes.concat(val.latencyTimes);
            }
          }
          return acc;
        }, bucket());
        if (this.rollingPercentilesEnabled) {
          totals.latencyTimes.sort((a, b) => a - b);
          if (totals.latencyTimes.length) {
            totals.latencyMean = totals.latencyTimes.reduce((a, b) => a + b, 0) / totals.latencyTimes.length;
          } else {
            totals.latencyMean = 0;
          }
          this[PERCENTILES].forEach((percentile) => {
            totals.percentiles[percentile] = calculatePercentile(percentile, totals.latencyTimes);
          });
        } else {
          totals.latencyMean = -1;
          this[PERCENTILES].forEach((percentile) => {
            totals.percentiles[percentile] = -1;
          });
        }
        return totals;
      }
      /**
       * Gets the stats window as an array of time-sliced objects.
       * @type {Array}
       */
      get window() {
        return this[WINDOW].slice();
      }
      increment(property, latencyRunTime) {
        this[WINDOW][0][property]++;
        if (property === "successes" || property === "failures" || property === "timeouts") {
          this[WINDOW][0].latencyTimes.push(latencyRunTime || 0);
        }
      }
      open() {
        this[WINDOW][0].isCircuitBreakerOpen = true;
      }
      close() {
        this[WINDOW][0].isCircuitBreakerOpen = false;
      }
      shutdown() {
        this.removeAllListeners();
        if (this.rotateBucketController === void 0) {
          clearInterval(this[BUCKET_INTERVAL]);
        } else {
          this.removeRotateBucketControllerListener();
        }
        if (this.enableSnapshots) {
          clearInterval(this[SNAPSHOT_INTERVAL]);
        }
      }
      removeRotateBucketControllerListener() {
        if (this.rotateBucketController) {
          this.rotateBucketController.removeListener(
            this[ROTATE_EVENT_NAME],
            this.rotateBucket
          );
        }
      }
      startListeneningForRotateEvent() {
        if (this.rotateBucketController && this.rotateBucketController.listenerCount(
          this[ROTATE_EVENT_NAME],
          this.rotateBucket
        ) === 0) {
          this.rotateBucketController.on(
            this[ROTATE_EVENT_NAME],
            this.rotateBucket
          );
        }
      }
    };
    var nextBucket = (window) => (_) => {
      window.pop();
      window.unshift(bucket());
    };
    var bucket = (_) => ({
      failures: 0,
      fallbacks: 0,
      successes: 0,
      rejects: 0,
      fires: 0,
      timeouts: 0,
      cacheHits: 0,
      cacheMisses: 0,
      coalesceCacheHits: 0,
      coalesceCacheMisses: 0,
      semaphoreRejections: 0,
      percentiles: {},
      latencyTimes: []
    });
    function calculatePercentile(percentile, arr) {
      if (percentile === 0) {
        return arr[0] || 0;
      }
      const idx = Math.ceil(percentile * arr.length);
      return arr[idx - 1] || 0;
    }
    module2.exports = exports2 = Status;
  }
});

// node_modules/opossum/lib/semaphore.js
var require_semaphore = __commonJS({
  "node_modules/opossum/lib/semaphore.js"(exports2, module2) {
    "use strict";
    module2.exports = exports2 = semaphore;
    function semaphore(count) {
      const resolvers = [];
      let counter = count;
      const sem = {
        take,
        release,
        test
      };
      Object.defineProperty(sem, "count", {
        get: (_) => counter,
        enumerable: true
      });
      return sem;
      function take(timeout) {
        if (counter > 0) {
          --counter;
          return Promise.resolve(release);
        }
        return new Promise((resolve, reject) => {
          resolvers.push((_) => {
            --counter;
            resolve(release);
          });
          if (timeout) {
            setTimeout((_) => {
              resolvers.shift();
              const err = new Error(`Timed out after ${timeout}ms`);
              err.code = "ETIMEDOUT";
              reject(err);
            }, timeout);
          }
        });
      }
      function release() {
        counter++;
        if (resolvers.length > 0) {
          resolvers.shift()();
        }
      }
      function test() {
        if (counter < 1) return false;
        return take() && true;
      }
    }
  }
});

// node_modules/opossum/lib/cache.js
var require_cache = __commonJS({
  "node_modules/opossum/lib/cache.js"(exports2, module2) {
    var MemoryCache = class {
      constructor(maxEntries) {
        this.cache = /* @__PURE__ */ new Map();
        this.maxEntries = maxEntries ?? 2 ** 24 - 1;
      }
      /**
       * Get cache value by key
       * @param {string} key Cache key
       * @return {any} Response from cache
       */
      get(key) {
        const cached = this.cache.get(key);
        if (cached) {
          if (cached.expiresAt > Date.now() || cached.expiresAt === 0) {
            return cached.value;
          }
          this.cache.delete(key);
        }
        return void 0;
      }
      /**
       * Set cache key with value and ttl
       * @param {string} key Cache key
       * @param {any} value Value to cache
       * @param {number} ttl Time to live in milliseconds
       * @return {void}
       */
      set(key, value, ttl) {
        if (this.cache.size === this.maxEntries && this.get(key) === void 0) {
          this.cache.delete(this.cache.keys().next().value);
        }
        this.cache.set(key, {
          expiresAt: ttl,
          value
        });
      }
      /**
       * Delete cache key
       * @param {string} key Cache key
       * @return {void}
       */
      delete(key) {
        this.cache.delete(key);
      }
      /**
       * Clear cache
       * @returns {void}
       */
      flush() {
        this.cache.clear();
      }
    };
    module2.exports = exports2 = MemoryCache;
  }
});

// node_modules/opossum/lib/circuit.js
var require_circuit = __commonJS({
  "node_modules/opossum/lib/circuit.js"(exports2, module2) {
    "use strict";
    var EventEmitter = require("events");
    var Status = require_status();
    var Semaphore = require_semaphore();
    var MemoryCache = require_cache();
    var STATE = /* @__PURE__ */ Symbol("state");
    var OPEN = /* @__PURE__ */ Symbol("open");
    var CLOSED = /* @__PURE__ */ Symbol("closed");
    var HALF_OPEN = /* @__PURE__ */ Symbol("half-open");
    var PENDING_CLOSE = /* @__PURE__ */ Symbol("pending-close");
    var SHUTDOWN = /* @__PURE__ */ Symbol("shutdown");
    var FALLBACK_FUNCTION = /* @__PURE__ */ Symbol("fallback");
    var STATUS = /* @__PURE__ */ Symbol("status");
    var NAME = /* @__PURE__ */ Symbol("name");
    var GROUP = /* @__PURE__ */ Symbol("group");
    var ENABLED = /* @__PURE__ */ Symbol("Enabled");
    var WARMING_UP = /* @__PURE__ */ Symbol("warming-up");
    var VOLUME_THRESHOLD = /* @__PURE__ */ Symbol("volume-threshold");
    var OUR_ERROR = /* @__PURE__ */ Symbol("our-error");
    var RESET_TIMEOUT = /* @__PURE__ */ Symbol("reset-timeout");
    var WARMUP_TIMEOUT = /* @__PURE__ */ Symbol("warmup-timeout");
    var LAST_TIMER_AT = /* @__PURE__ */ Symbol("last-timer-at");
    var deprecation = `options.maxFailures is deprecated. Please use options.errorThresholdPercentage`;
    var CircuitBreaker = class _CircuitBreaker extends EventEmitter {
      /**
       * Returns true if the provided error was generated here. It will be false
       * if the error came from the action itself.
       * @param {Error} error The Error to check.
       * @returns {Boolean} true if the error was generated here
       */
      static isOurError(error) {
        return !!error[OUR_ERROR];
      }
      /**
      * Create a new Status object,
      * helpful when you need to prime a breaker with stats
      * @param {Object} options -
      * @param {Number} options.rollingCountBuckets number of buckets in the window
      * @param {Number} options.rollingCountTimeout the duration of the window
      * @param {Boolean} options.rollingPercentilesEnabled whether to calculate
      * @param {Object} options.stats user supplied stats
      * @returns {Status} a new {@link Status} object
      */
      static newStatus(options) {
        return new Status(options);
      }
      constructor(action, options = {}) {
        super();
        this.options = options;
        this.options.timeout = options.timeout ?? 1e4;
        this.options.resetTimeout = options.resetTimeout ?? 3e4;
        this.options.errorThresholdPercentage = options.errorThresholdPercentage ?? 50;
        this.options.rollingCountTimeout = options.rollingCountTimeout ?? 1e4;
        this.options.rollingCountBuckets = options.rollingCountBuckets ?? 10;
        this.options.rollingPercentilesEnabled = options.rollingPercentilesEnabled !== false;
        this.options.capacity = Number.isInteger(options.capacity) ? options.capacity : Number.MAX_SAFE_INTEGER;
        this.options.errorFilter = options.errorFilter || ((_) => false);
        this.options.cacheTTL = options.cacheTTL ?? 0;
        this.options.cacheGetKey = options.cacheGetKey ?? ((...args) => JSON.stringify(args));
        this.options.enableSnapshots = options.enableSnapshots !== false;
        this.options.rotateBucketController = options.rotateBucketController;
        this.options.coalesce = !!options.coalesce;
        this.options.coalesceTTL = options.coalesceTTL ?? this.options.timeout;
        this.options.coalesceResetOn = options.coalesceResetOn?.filter((o) => ["error", "success", "timeout"].includes(o)) || [];
        if (this.options.cache) {
          if (this.options.cacheTransport === void 0) {
            this.options.cacheTransport = new MemoryCache(options.cacheSize);
          } else if (typeof this.options.cacheTransport !== "object" || !this.options.cacheTransport.get || !this.options.cacheTransport.set || !this.options.cacheTransport.flush) {
            throw new TypeError(
              "options.cacheTransport should be an object with `get`, `set` and `flush` methods"
            );
          }
        }
        if (this.options.coalesce) {
          this.options.coalesceCache = new MemoryCache(options.coalesceSize);
        }
        this.semaphore = new Semaphore(this.options.capacity);
        if (!action) {
          throw new TypeError(
            "No action provided. Cannot construct a CircuitBreaker without an invocable action."
          );
        }
        if (options.autoRenewAbortController && !options.abortController) {
          options.abortController = new AbortController();
        }
        if (options.abortController && typeof options.abortController.abort !== "function") {
          throw new TypeError(
            "AbortController does not contain `abort()` method"
          );
        }
        this[VOLUME_THRESHOLD] = Number.isInteger(options.volumeThreshold) ? options.volumeThreshold : 0;
        this[WARMING_UP] = options.allowWarmUp === true;
        if (this.options.status) {
          if (this.options.status instanceof Status) {
            this[STATUS] = this.options.status;
          } else {
            this[STATUS] = new Status({ stats: this.options.status });
          }
        } else {
          this[STATUS] = new Status(this.options);
        }
        this[STATE] = CLOSED;
        if (options.state) {
          this[ENABLED] = options.state.enabled !== false;
          this[WARMING_UP] = options.state.warmUp || this[WARMING_UP];
          this[CLOSED] = options.state.closed !== false;
          this[HALF_OPEN] = this[PENDING_CLOSE] = options.state.halfOpen || false;
          this[OPEN] = !this[CLOSED] && !this[HALF_OPEN];
          this[SHUTDOWN] = options.state.shutdown || false;
        } else {
          this[PENDING_CLOSE] = false;
          this[ENABLED] = options.enabled !== false;
        }
        this[FALLBACK_FUNCTION] = null;
        this[NAME] = options.name || action.name || nextName();
        this[GROUP] = options.group || this[NAME];
        if (this[WARMING_UP]) {
          const timer = this[WARMUP_TIMEOUT] = setTimeout(
            (_) => this[WARMING_UP] = false,
            this.options.rollingCountTimeout
          );
          if (typeof timer.unref === "function") {
            timer.unref();
          }
        }
        if (typeof action !== "function") {
          this.action = (_) => Promise.resolve(action);
        } else this.action = action;
        if (options.maxFailures) console.error(deprecation);
        const increment = (property) => (result, runTime) => this[STATUS].increment(property, runTime);
        this.on("success", increment("successes"));
        this.on("failure", increment("failures"));
        this.on("fallback", increment("fallbacks"));
        this.on("timeout", increment("timeouts"));
        this.on("fire", increment("fires"));
        this.on("reject", increment("rejects"));
        this.on("cacheHit", increment("cacheHits"));
        this.on("cacheMiss", increment("cacheMisses"));
        this.on("coalesceCacheHit", increment("coalesceCacheHits"));
        this.on("coalesceCacheMiss", increment("coalesceCacheMisses"));
        this.on("open", (_) => this[STATUS].open());
        this.on("close", (_) => this[STATUS].close());
        this.on("semaphoreLocked", increment("semaphoreRejections"));
        function _startTimer(circuit) {
          circuit[LAST_TIMER_AT] = Date.now();
          return (_) => {
            const timer = circuit[RESET_TIMEOUT] = setTimeout(() => {
              _halfOpen(circuit);
            }, circuit.options.resetTimeout);
            if (typeof timer.unref === "function") {
              timer.unref();
            }
          };
        }
        function _halfOpen(circuit) {
          circuit[STATE] = HALF_OPEN;
          circuit[PENDING_CLOSE] = true;
          circuit._renewAbortControllerIfNeeded();
          circuit.emit("halfOpen", circuit.options.resetTimeout);
        }
        this.on("open", _startTimer(this));
        this.on("success", (_) => {
          if (this.halfOpen) {
            this.close();
          }
        });
        if (this[SHUTDOWN]) {
          this[STATE] = SHUTDOWN;
          this.shutdown();
        } else if (this[CLOSED]) {
          this.close();
        } else if (this[OPEN]) {
          if (this.options.state.lastTimerAt !== void 0 && Date.now() - this.options.state.lastTimerAt > this.options.resetTimeout) {
            _halfOpen(this);
          } else {
            this.open();
          }
        } else if (this[HALF_OPEN]) {
          this[STATE] = HALF_OPEN;
        }
      }
      /**
       * Renews the abort controller if needed
       * @private
       * @returns {void}
       */
      _renewAbortControllerIfNeeded() {
        if (this.options.autoRenewAbortController && this.options.abortController && this.options.abortController.signal.aborted) {
          this.options.abortController = new AbortController();
        }
      }
      /**
       * Closes the breaker, allowing the action to execute again
       * @fires CircuitBreaker#close
       * @returns {void}
       */
      close() {
        if (this[STATE] !== CLOSED) {
          if (this[RESET_TIMEOUT]) {
            clearTimeout(this[RESET_TIMEOUT]);
          }
          this[STATE] = CLOSED;
          this[PENDING_CLOSE] = false;
          this._renewAbortControllerIfNeeded();
          this.emit("close");
        }
      }
      /**
       * Opens the breaker. Each time the breaker is fired while the circuit is
       * opened, a failed Promise is returned, or if any fallback function
       * has been provided, it is invoked.
       *
       * If the breaker is already open this call does nothing.
       * @fires CircuitBreaker#open
       * @returns {void}
       */
      open() {
        if (this[STATE] !== OPEN) {
          this[STATE] = OPEN;
          this[PENDING_CLOSE] = false;
          this.emit("open");
        }
      }
      /**
       * Shuts down this circuit breaker. All subsequent calls to the
       * circuit will fail, returning a rejected promise.
       * @returns {void}
       */
      shutdown() {
        this.emit("shutdown");
        this.disable();
        this.removeAllListeners();
        if (this[RESET_TIMEOUT]) {
          clearTimeout(this[RESET_TIMEOUT]);
        }
        if (this[WARMUP_TIMEOUT]) {
          clearTimeout(this[WARMUP_TIMEOUT]);
        }
        this.status.shutdown();
        this[STATE] = SHUTDOWN;
        this.clearCache();
      }
      /**
       * Determines if the circuit has been shutdown.
       * @type {Boolean}
       */
      get isShutdown() {
        return this[STATE] === SHUTDOWN;
      }
      /**
       * Gets the name of this circuit
       * @type {String}
       */
      get name() {
        return this[NAME];
      }
      /**
       * Gets the name of this circuit group
       * @type {String}
       */
      get group() {
        return this[GROUP];
      }
      /**
       * Gets whether this circuit is in the `pendingClosed` state
       * @type {Boolean}
       */
      get pendingClose() {
        return this[PENDING_CLOSE];
      }
      /**
       * True if the circuit is currently closed. False otherwise.
       * @type {Boolean}
       */
      get closed() {
        return this[STATE] === CLOSED;
      }
      /**
       * True if the circuit is currently opened. False otherwise.
       * @type {Boolean}
       */
      get opened() {
        return this[STATE] === OPEN;
      }
      /**
       * True if the circuit is currently half opened. False otherwise.
       * @type {Boolean}
       */
      get halfOpen() {
        return this[STATE] === HALF_OPEN;
      }
      /**
       * The current {@link Status} of this {@link CircuitBreaker}
       * @type {Status}
       */
      get status() {
        return this[STATUS];
      }
      /**
       * Get the current stats for the circuit.
       * @see Status#stats
       * @type {Object}
       */
      get stats() {
        return this[STATUS].stats;
      }
      toJSON() {
        return {
          state: {
            name: this.name,
            enabled: this.enabled,
            closed: this.closed,
            open: this.opened,
            halfOpen: this.halfOpen,
            warmUp: this.warmUp,
            shutdown: this.isShutdown,
            lastTimerAt: this[LAST_TIMER_AT]
          },
          status: this.status.stats
        };
      }
      /**
       * Gets whether the circuit is enabled or not
       * @type {Boolean}
       */
      get enabled() {
        return this[ENABLED];
      }
      /**
       * Gets whether the circuit is currently in warm up phase
       * @type {Boolean}
       */
      get warmUp() {
        return this[WARMING_UP];
      }
      /**
       * Gets the volume threshold for this circuit
       * @type {Boolean}
       */
      get volumeThreshold() {
        return this[VOLUME_THRESHOLD];
      }
      /**
       * Provide a fallback function for this {@link CircuitBreaker}. This
       * function will be executed when the circuit is `fire`d and fails.
       * It will always be preceded by a `failure` event, and `breaker.fire` returns
       * a rejected Promise.
       * @param {Function | CircuitBreaker} func the fallback function to execute
       * when the breaker has opened or when a timeout or error occurs.
       * @return {CircuitBreaker} this
       */
      fallback(func) {
        let fb = func;
        if (func instanceof _CircuitBreaker) {
          fb = (...args) => func.fire(...args);
        }
        this[FALLBACK_FUNCTION] = fb;
        return this;
      }
      /**
       * Execute the action for this circuit. If the action fails or times out, the
       * returned promise will be rejected. If the action succeeds, the promise will
       * resolve with the resolved value from action. If a fallback function was
       * provided, it will be invoked in the event of any failure or timeout.
       *
       * Any parameters passed to this function will be proxied to the circuit
       * function.
       *
       * @return {Promise<any>} promise resolves with the circuit function's return
       * value on success or is rejected on failure of the action. Use isOurError()
       * to determine if a rejection was a result of the circuit breaker or the
       * action.
       *
       * @fires CircuitBreaker#failure
       * @fires CircuitBreaker#fallback
       * @fires CircuitBreaker#fire
       * @fires CircuitBreaker#reject
       * @fires CircuitBreaker#success
       * @fires CircuitBreaker#timeout
       * @fires CircuitBreaker#semaphoreLocked
       */
      fire(...args) {
        return this.call(this.action, ...args);
      }
      /**
       * Execute the action for this circuit using `context` as `this`.
       * If the action fails or times out, the
       * returned promise will be rejected. If the action succeeds, the promise will
       * resolve with the resolved value from action. If a fallback function was
       * provided, it will be invoked in the event of any failure or timeout.
       *
       * Any parameters in addition to `context will be passed to the
       * circuit function.
       *
       * @param {any} context the `this` context used for function execution
       * @param {any} rest the arguments passed to the action
       *
       * @return {Promise<any>} promise resolves with the circuit function's return
       * value on success or is rejected on failure of the action.
       *
       * @fires CircuitBreaker#failure
       * @fires CircuitBreaker#fallback
       * @fires CircuitBreaker#fire
       * @fires CircuitBreaker#reject
       * @fires CircuitBreaker#success
       * @fires CircuitBreaker#timeout
       * @fires CircuitBreaker#semaphoreLocked
       */
      call(context, ...rest) {
        if (this.isShutdown) {
          const err = buildError("The circuit has been shutdown.", "ESHUTDOWN");
          return Promise.reject(err);
        }
        const args = rest.slice();
        this.emit("fire", args);
        if (!this[ENABLED]) {
          const result = this.action.apply(context, args);
          return typeof result.then === "function" ? result : Promise.resolve(result);
        }
        const cacheKey = this.options.cache || this.options.coalesce ? this.options.cacheGetKey.apply(this, rest) : "";
        if (this.options.cache) {
          const cached = this.options.cacheTransport.get(cacheKey);
          if (cached) {
            this.emit("cacheHit");
            return cached;
          }
          this.emit("cacheMiss");
        }
        if (this.options.coalesce) {
          const cachedCall = this.options.coalesceCache.get(cacheKey);
          if (cachedCall) {
            this.emit("coalesceCacheHit");
            return cachedCall;
          }
          this.emit("coalesceCacheMiss");
        }
        if (!this.closed && !this.pendingClose) {
          const error = buildError("Breaker is open", "EOPENBREAKER");
          this.emit("reject", error);
          return fallback(this, error, args) || Promise.reject(error);
        }
        this[PENDING_CLOSE] = false;
        let timeout;
        let timeoutError = false;
        const call = new Promise((resolve, reject) => {
          const latencyStartTime = Date.now();
          if (this.semaphore.test()) {
            if (this.options.timeout) {
              timeout = setTimeout(
                () => {
                  timeoutError = true;
                  const error = buildError(
                    `Timed out after ${this.options.timeout}ms`,
                    "ETIMEDOUT"
                  );
                  const latency = Date.now() - latencyStartTime;
                  this.semaphore.release();
                  this.emit("timeout", error, latency, args);
                  handleError(error, this, timeout, args, latency, resolve, reject);
                  resetCoalesce(this, cacheKey, "timeout");
                  if (this.options.abortController) {
                    this.options.abortController.abort();
                  }
                },
                this.options.timeout
              );
            }
            try {
              const result = this.action.apply(context, args);
              const promise = typeof result.then === "function" ? result : Promise.resolve(result);
              promise.then((result2) => {
                if (!timeoutError) {
                  clearTimeout(timeout);
                  this.emit("success", result2, Date.now() - latencyStartTime);
                  resetCoalesce(this, cacheKey, "success");
                  this.semaphore.release();
                  resolve(result2);
                  if (this.options.cache) {
                    this.options.cacheTransport.set(
                      cacheKey,
                      promise,
                      this.options.cacheTTL > 0 ? Date.now() + this.options.cacheTTL : 0
                    );
                  }
                }
              }).catch((error) => {
                if (!timeoutError) {
                  this.semaphore.release();
                  const latencyEndTime = Date.now() - latencyStartTime;
                  handleError(
                    error,
                    this,
                    timeout,
                    args,
                    latencyEndTime,
                    resolve,
                    reject
                  );
                  resetCoalesce(this, cacheKey, "error");
                }
              });
            } catch (error) {
              this.semaphore.release();
              const latency = Date.now() - latencyStartTime;
              handleError(error, this, timeout, args, latency, resolve, reject);
              resetCoalesce(this, cacheKey, "error");
            }
          } else {
            const latency = Date.now() - latencyStartTime;
            const err = buildError("Semaphore locked", "ESEMLOCKED");
            this.emit("semaphoreLocked", err, latency);
            handleError(err, this, timeout, args, latency, resolve, reject);
            resetCoalesce(this, cacheKey);
          }
        });
        if (this.options.coalesce) {
          this.options.coalesceCache.set(
            cacheKey,
            call,
            this.options.coalesceTTL > 0 ? Date.now() + this.options.coalesceTTL : 0
          );
        }
        return call;
      }
      /**
       * Clears the cache of this {@link CircuitBreaker}
       * @returns {void}
       */
      clearCache() {
        if (this.options.cache) {
          this.options.cacheTransport.flush();
        }
        if (this.options.coalesceCache) {
          this.options.coalesceCache.flush();
        }
      }
      /**
       * Provide a health check function to be called periodically. The function
       * should return a Promise. If the promise is rejected the circuit will open.
       * This is in addition to the existing circuit behavior as defined by
       * `options.errorThresholdPercentage` in the constructor. For example, if the
       * health check function provided here always returns a resolved promise, the
       * circuit can still trip and open if there are failures exceeding the
       * configured threshold. The health check function is executed within the
       * circuit breaker's execution context, so `this` within the function is the
       * circuit breaker itself.
       *
       * @param {Function} func a health check function which returns a promise.
       * @param {Number} [interval] the amount of time between calls to the health
       * check function. Default: 5000 (5 seconds)
       *
       * @returns {void}
       *
       * @fires CircuitBreaker#healthCheckFailed
       * @throws {TypeError} if `interval` is supplied but not a number
       */
      healthCheck(func, interval) {
        interval = interval || 5e3;
        if (typeof func !== "function") {
          throw new TypeError("Health check function must be a function");
        }
        if (isNaN(interval)) {
          throw new TypeError("Health check interval must be a number");
        }
        const check = (_) => {
          func.apply(this).catch((e) => {
            this.emit("healthCheckFailed", e);
            this.open();
          });
        };
        const timer = setInterval(check, interval);
        if (typeof timer.unref === "function") {
          timer.unref();
        }
        check();
      }
      /**
       * Enables this circuit. If the circuit is the  disabled
       * state, it will be re-enabled. If not, this is essentially
       * a noop.
       * @returns {void}
       */
      enable() {
        this[ENABLED] = true;
        this.status.startListeneningForRotateEvent();
      }
      /**
       * Disables this circuit, causing all calls to the circuit's function
       * to be executed without circuit or fallback protection.
       * @returns {void}
       */
      disable() {
        this[ENABLED] = false;
        this.status.removeRotateBucketControllerListener();
      }
      /**
       * Retrieves the current AbortSignal from the abortController, if available.
       * This signal can be used to monitor ongoing requests.
       * @returns {AbortSignal|undefined} The AbortSignal if present,
       * otherwise undefined.
       */
      getSignal() {
        if (this.options.abortController && this.options.abortController.signal) {
          return this.options.abortController.signal;
        }
        return void 0;
      }
      /**
       * Retrieves the current AbortController instance.
       * This controller can be used to manually abort ongoing requests or create
       * a new signal.
       * @returns {AbortController|undefined} The AbortController if present,
       * otherwise undefined.
       */
      getAbortController() {
        return this.options.abortController;
      }
    };
    function handleError(error, circuit, timeout, args, latency, resolve, reject) {
      clearTimeout(timeout);
      if (circuit.options.errorFilter(error, ...args)) {
        circuit.emit("success", error, latency);
      } else {
        fail(circuit, error, args, latency);
        const fb = fallback(circuit, error, args);
        if (fb) return resolve(fb);
      }
      reject(error);
    }
    function fallback(circuit, err, args) {
      if (circuit[FALLBACK_FUNCTION]) {
        try {
          const result = circuit[FALLBACK_FUNCTION].apply(circuit[FALLBACK_FUNCTION], [...args, err]);
          circuit.emit("fallback", result, err);
          if (result instanceof Promise) return result;
          return Promise.resolve(result);
        } catch (e) {
          return Promise.reject(e);
        }
      }
    }
    function fail(circuit, err, args, latency) {
      circuit.emit("failure", err, latency, args);
      if (circuit.warmUp) return;
      const stats = circuit.stats;
      if (stats.fires < circuit.volumeThreshold && !circuit.halfOpen) return;
      const errorRate = stats.failures / stats.fires * 100;
      if (errorRate > circuit.options.errorThresholdPercentage || circuit.halfOpen) {
        circuit.open();
      }
    }
    function resetCoalesce(circuit, cacheKey, event) {
      if (!event || circuit.options.coalesceResetOn.includes(event)) {
        circuit.options.coalesceCache?.delete(cacheKey);
      }
    }
    function buildError(msg, code) {
      const error = new Error(msg);
      error.code = code;
      error[OUR_ERROR] = true;
      return error;
    }
    var nextName = () => "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (c) => {
      const r = Math.random() * 16 | 0;
      const v = c === "x" ? r : r & 3 | 8;
      return v.toString(16);
    });
    module2.exports = exports2 = CircuitBreaker;
  }
});

// node_modules/opossum/index.js
module.exports = exports = require_circuit();
