//! Reading the Prometheus text format of `/metrics`.

/// One scrape.
pub struct Scrape(pub String);

impl Scrape {
    /// Fetches `{http}/metrics`.
    pub async fn of(http: &str) -> Self {
        let response = reqwest::get(format!("{http}/metrics")).await.unwrap();
        assert_eq!(response.status(), 200);
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(kind.starts_with("text/plain"), "{kind}");
        Self(response.text().await.unwrap())
    }

    /// The sample `name` whose labels include every pair of `labels`.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.0
            .lines()
            .filter(|l| !l.starts_with('#'))
            .find_map(|line| {
                let (series, value) = line.rsplit_once(' ')?;
                let (metric, label_text) = match series.split_once('{') {
                    Some((m, rest)) => (m, rest.trim_end_matches('}')),
                    None => (series, ""),
                };
                let matches = metric == name
                    && labels.iter().all(|(k, v)| {
                        label_text
                            .split(',')
                            .any(|pair| pair == format!("{k}=\"{v}\""))
                    });
                matches.then(|| value.parse().ok()).flatten()
            })
    }

    /// The sum of every sample of `name` (over all label sets), 0 if none.
    pub fn total(&self, name: &str) -> f64 {
        self.0
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter(|l| l.split(['{', ' ']).next() == Some(name))
            .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
            .sum()
    }

    /// Names of every series (without `_bucket`, `_sum`, `_count`).
    pub fn names(&self) -> std::collections::BTreeSet<String> {
        self.0
            .lines()
            .filter(|l| l.starts_with("# TYPE "))
            .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
            .collect()
    }
}
